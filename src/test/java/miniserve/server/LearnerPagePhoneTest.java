package miniserve.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.PointerInput;
import org.openqa.selenium.interactions.Sequence;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.time.Duration;
import java.util.List;

import static miniserve.server.LearnerPage.tip;
import static org.assertj.core.api.Assertions.assertThat;

/** The learner's page on a phone's screen (375 CSS pixels wide, touch), in headless Chromium. */
class LearnerPagePhoneTest {

    private static final int WIDTH = 375;

    private static ChromeDriver browser;
    private static LearnerPage page;
    private TutorServer server;

    @BeforeAll
    static void openBrowser() {
        browser = Chromium.startPhone(WIDTH, 740);
        page = new LearnerPage(browser);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) browser.quit();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        browser.get("about:blank");
        if (server != null) server.stop(Duration.ofSeconds(10));
    }

    /** A finger's tap in the middle of the element. */
    private static void tap(WebElement element) {
        PointerInput finger = new PointerInput(PointerInput.Kind.TOUCH, "finger");
        Sequence tap = new Sequence(finger, 0)
                .addAction(finger.createPointerMove(Duration.ZERO, PointerInput.Origin.fromElement(element), 0, 0))
                .addAction(finger.createPointerDown(PointerInput.MouseButton.LEFT.asArg()))
                .addAction(finger.createPointerUp(PointerInput.MouseButton.LEFT.asArg()));
        browser.perform(List.of(tap));
    }

    private static void assertWithinScreen(WebElement element) {
        Rectangle r = element.getRect();
        assertThat(r.getX()).isGreaterThanOrEqualTo(0);
        assertThat(r.getX() + r.getWidth()).isLessThanOrEqualTo(WIDTH);
    }

    @Test
    void thePageFitsAPhonesWidthAndATapShowsAnExplanation() throws Exception {
        server = TutorServer.start("127.0.0.1", 0, LearnerPageTest.flags(), () -> new PacedTutorBackend(null));
        page.open(server);
        assertThat(page.script("return window.innerWidth")).isEqualTo((long) WIDTH);
        assertThat(page.scrollsSideways()).isFalse();
        for (String control : List.of("#text", "#learner", "#check")) assertWithinScreen(page.find(control));

        page.find("#text").sendKeys("Yesterday I goed to the market with my two childs, and my friend dont like apples.");
        tap(page.find("#check"));
        page.awaitStatus("Checked 1 sentence: 3 corrections.");
        assertThat(page.scrollsSideways()).as("the corrections wrap within the screen").isFalse();

        List<WebElement> edits = page.edits();
        WebElement last = edits.getLast();
        assertThat(tip(last).isDisplayed()).isFalse();
        tap(last);
        page.await(ExpectedConditions.visibilityOf(tip(last)));
        assertWithinScreen(tip(last));
        tap(page.find("h1"));
        page.await(ExpectedConditions.invisibilityOf(tip(last)));
    }
}
