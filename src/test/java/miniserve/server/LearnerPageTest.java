package miniserve.server;

import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Scheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The learner's page at {@code /} in headless Chromium, against a real {@link TutorServer} whose tutor
 * is the {@link PacedTutorBackend} stand-in: what a learner sees after typing a text. One browser for
 * the class; each test opens the page afresh on its own server.
 */
class LearnerPageTest {

    private static ChromeDriver browser;

    private final List<TutorServer> servers = new ArrayList<>();

    @BeforeAll
    static void openBrowser() {
        browser = Chromium.start(1100, 900);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) browser.quit();
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        browser.get("about:blank"); // closes the page's connections before its server stops
        for (TutorServer s : servers) s.stop(Duration.ofSeconds(10));
    }

    private static ServeFlags flags() {
        return Flags.batched(Scheduler.CONTINUOUS, 8, 0, 64, ServeFlags.DEFAULT_MAX_TOKENS, 1, 1);
    }

    private TutorServer start(PacedTutorBackend backend) throws Exception {
        TutorServer s = TutorServer.start("127.0.0.1", 0, flags(), () -> backend);
        servers.add(s);
        return s;
    }

    private static void open(TutorServer s) {
        browser.get("http://127.0.0.1:" + s.port() + "/");
        Chromium.waitFor(browser).until(ExpectedConditions.elementToBeClickable(By.id("check")));
    }

    private static WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    private static List<WebElement> all(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    /** Types the text into the page and sends it with Ctrl+Enter, as a learner would. */
    private static void typeAndCheck(String text) {
        WebElement area = find("#text");
        area.clear();
        area.sendKeys(text);
        area.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    }

    private static void awaitStatus(String part) {
        Chromium.waitFor(browser).until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), part));
    }

    private static Object script(String js, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(js, args);
    }

    @Test
    void thePageComesFromTheJarAndKeepsTheLearnerIdInTheBrowser() throws Exception {
        TutorServer s = start(new PacedTutorBackend(null));
        open(s);
        assertThat(browser.getTitle()).contains("grammar tutor");
        assertThat(script("return getComputedStyle(document.querySelector('#check')).backgroundColor"))
                .as("the style sheet is served and applied").isEqualTo("rgb(31, 95, 191)");
        String generated = find("#learner").getAttribute("value");
        assertThat(generated).as("a first visit gets an id of its own").matches("learner-[a-z0-9]+");

        WebElement learner = find("#learner");
        learner.clear();
        learner.sendKeys("ana");
        browser.navigate().refresh();
        Chromium.waitFor(browser).until(ExpectedConditions.attributeToBe(By.id("learner"), "value", "ana"));
        assertThat(script("return localStorage.getItem('miniserve.learner_id')")).isEqualTo("ana");
    }
}
