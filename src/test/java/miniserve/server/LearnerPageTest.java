package miniserve.server;

import miniserve.agent.Correction;
import miniserve.history.HistoryDatabase;
import miniserve.history.HistoryWriter;
import miniserve.language.Edit;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Scheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static miniserve.server.LearnerPage.replacement;
import static miniserve.server.LearnerPage.struck;
import static miniserve.server.LearnerPage.tip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The learner's page at {@code /} in headless Chromium, against a real {@link TutorServer} whose tutor
 * is the {@link PacedTutorBackend} stand-in: what a learner sees after typing a text. One browser for
 * the class; each test opens the page afresh on a server of its own.
 */
class LearnerPageTest {

    private static ChromeDriver browser;
    private static LearnerPage page;

    @TempDir
    Path tmp;

    private final List<TutorServer> servers = new ArrayList<>();

    @BeforeAll
    static void openBrowser() {
        browser = Chromium.start(1100, 900);
        page = new LearnerPage(browser);
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

    static ServeFlags flags() {
        return Flags.batched(Scheduler.CONTINUOUS, 8, 0, 64, ServeFlags.DEFAULT_MAX_TOKENS, 1, 1);
    }

    private TutorServer start(PacedTutorBackend backend) throws Exception {
        TutorServer s = TutorServer.start("127.0.0.1", 0, flags(), () -> backend);
        servers.add(s);
        return s;
    }

    /** The stand-in with a learner history in a fresh SQLite file. */
    private PacedTutorBackend withHistory() {
        return new PacedTutorBackend(new LearnerHistory(new HistoryWriter(HistoryDatabase.openSqlite(tmp.resolve("history.db")))));
    }

    @Test
    void thePageComesFromTheJarAndKeepsTheLearnerIdInTheBrowser() throws Exception {
        page.open(start(new PacedTutorBackend(null)));
        assertThat(browser.getTitle()).contains("grammar tutor");
        assertThat(page.script("return getComputedStyle(document.querySelector('#check')).backgroundColor"))
                .as("the style sheet is served and applied").isEqualTo("rgb(31, 95, 191)");
        assertThat(page.find("#learner").getDomProperty("value")).as("a first visit gets an id of its own").matches("learner-[a-z0-9]+");

        page.setLearner("ana");
        browser.navigate().refresh();
        page.await(ExpectedConditions.domPropertyToBe(page.find("#learner"), "value", "ana"));
        assertThat(page.script("return localStorage.getItem('miniserve.learner_id')")).isEqualTo("ana");
    }

    @Test
    void eachSentencesCorrectionIsShownAsSoonAsItIsReady() throws Exception {
        PacedTutorBackend tutor = new PacedTutorBackend(null);
        tutor.release = new CountDownLatch(1); // holds the last sentence
        page.open(start(tutor));
        page.typeAndCheck("I have two childs. It is sunny today. We will eat " + PacedTutorBackend.HELD_WORD + " with my friend.");

        WebElement edit = page.await("#output [data-index='0'] .edit");
        page.await("#output [data-index='1']");
        assertThat(struck(edit)).isEqualTo("childs");
        assertThat(replacement(edit)).isEqualTo("children");
        assertThat(page.sentence(2)).as("the last sentence is not ready").isEmpty();
        assertThat(page.pending()).as("it is shown as sent meanwhile").containsExactly("We will eat later with my friend.");
        assertThat(page.status()).isEqualTo("Checking…");

        tutor.release.countDown();
        page.awaitStatus("Checked 3 sentences: 1 correction.");
        assertThat(page.sentence(2)).hasSize(1);
        assertThat(page.pending()).isEmpty();
        assertThat(page.find("#output").getText())
                .isEqualTo("I have two childs children. It is sunny today. We will eat later with my friend.");
    }

    @Test
    void eachEditIsStruckThroughBesideItsReplacementWithItsExplanationOnHoverAndKeyboardFocus() throws Exception {
        PacedTutorBackend tutor = new PacedTutorBackend(null);
        page.open(start(tutor));
        String[] sentences = {"Yesterday I goed home.", "My friend dont like apples."};
        page.typeAndCheck(String.join(" ", sentences));
        page.awaitStatus("Checked 2 sentences: 2 corrections.");

        List<Edit> sent = new ArrayList<>(); // what the stand-in answered: the edits the page must show
        for (String s : sentences) sent.addAll(tutor.correct(new CorrectionRequest(s, null)).edits());
        List<WebElement> edits = page.edits();
        assertThat(edits).hasSize(sent.size());
        for (int i = 0; i < edits.size(); i++) {
            WebElement edit = edits.get(i);
            assertThat(struck(edit)).isEqualTo(sent.get(i).original());
            assertThat(replacement(edit)).isEqualTo(sent.get(i).replacement());
            assertThat(edit.findElement(By.tagName("del")).getCssValue("text-decoration-line")).isEqualTo("line-through");
            assertThat(tip(edit).isDisplayed()).as("explanation hidden until asked for").isFalse();
            assertThat(browser.findElement(By.id(edit.getDomAttribute("aria-describedby"))).getDomProperty("textContent"))
                    .as("the explanation describes the edit for a screen reader").isEqualTo(sent.get(i).explanation());
        }

        // the mouse over an edit shows its explanation; moving away hides it
        WebElement first = edits.getFirst();
        new Actions(browser).moveToElement(first).perform();
        page.await(ExpectedConditions.visibilityOf(tip(first)));
        assertThat(tip(first).getText()).isEqualTo(sent.getFirst().explanation());
        new Actions(browser).moveToElement(page.find("h1")).perform();
        page.await(ExpectedConditions.invisibilityOf(tip(first)));

        // from the button, Tab reaches the edits in text order; focus shows the explanation, Escape hides it
        page.find("#learner").click();
        new Actions(browser).sendKeys(Keys.TAB).sendKeys(Keys.TAB).perform();
        assertThat(browser.switchTo().activeElement()).isEqualTo(first);
        page.await(ExpectedConditions.visibilityOf(tip(first)));
        new Actions(browser).sendKeys(Keys.ESCAPE).perform();
        page.await(ExpectedConditions.invisibilityOf(tip(first)));
        new Actions(browser).sendKeys(Keys.TAB).perform();
        WebElement second = edits.get(1);
        assertThat(browser.switchTo().activeElement()).isEqualTo(second);
        page.await(ExpectedConditions.visibilityOf(tip(second)));
        assertThat(tip(second).getText()).isEqualTo(sent.get(1).explanation());
        assertThat(tip(first).isDisplayed()).isFalse();
    }

    @Test
    void aBusyServerIsShownAsBusyAndTheTextSentAgainAfterRetryAfter() throws Exception {
        TutorServer s = TutorServer.listen("127.0.0.1", 0, flags()); // the model not loaded yet: 503 with Retry-After
        servers.add(s);
        page.open(s);
        page.typeAndCheck("I have two childs.");
        page.awaitStatus("The tutor is busy right now; trying again in ");
        assertThat(page.find("#status .detail").getText()).contains("still loading");
        assertThat(page.sentence(0)).isEmpty();

        s.load(() -> new PacedTutorBackend(null));
        page.awaitStatus("Checked 1 sentence: 1 correction.");
        assertThat(replacement(page.find("#output [data-index='0'] .edit"))).isEqualTo("children");
    }

    @Test
    void aTextOverTheLimitAndASentenceTooLongForTheModelAreExplained() throws Exception {
        page.open(start(new PacedTutorBackend(null)));
        String sentence = "I have two childs. ";
        page.pasteAndCheck(sentence.repeat(TutorServer.MAX_TEXT_CHARS / sentence.length() + 1));
        page.awaitStatus("Your text is too long for the tutor: ");
        assertThat(page.status()).contains(String.valueOf(TutorServer.MAX_TEXT_CHARS)).endsWith("Check it in shorter parts.");
        assertThat(page.edits()).isEmpty();

        // one sentence of more words than the model takes, with no clause to cut it at
        String endless = "We walked " + "and walked ".repeat(StandInBackend.MAX_WORDS) + "home.";
        page.typeAndCheck("I have two childs. " + endless);
        page.awaitStatus("1 sentence could not be checked (see the note).");
        assertThat(page.status()).startsWith("Checked 2 sentences: 1 correction.");
        WebElement unchanged = page.find("#output .sentence.unchanged");
        assertThat(unchanged.getText()).startsWith(endless);
        assertThat(unchanged.findElement(By.className("note")).getText()).startsWith("Not checked: ").hasSizeGreaterThan(20);
    }

    @Test
    void theLearnersFrequentErrorsAreShownBesideTheCorrections() throws Exception {
        PacedTutorBackend tutor = withHistory();
        page.open(start(tutor));
        page.setLearner("ana");
        assertThat(page.find("#frequent-empty").isDisplayed()).isTrue();

        String text = "I have two childs. Their childs dont play.";
        page.typeAndCheck(text);
        page.awaitStatus("Checked 2 sentences: 3 corrections.");
        Correction first = tutor.correct(new CorrectionRequest("I have two childs.", null));
        Correction second = tutor.correct(new CorrectionRequest("Their childs dont play.", null));
        String noun = first.edits().getFirst().type().label();
        String other = second.edits().stream().map(e -> e.type().label()).filter(l -> !l.equals(noun)).findFirst().orElseThrow();
        assertThat(page.all("#frequent li")).extracting(WebElement::getText).containsExactly(noun + " × 2", other + " × 1");
        assertThat(page.find("#frequent-empty").isDisplayed()).isFalse();

        page.typeAndCheck("Three childs.");
        page.awaitStatus("Checked 1 sentence: 1 correction.");
        assertThat(page.all("#frequent li")).extracting(WebElement::getText).containsExactly(noun + " × 3", other + " × 1");
    }
}
