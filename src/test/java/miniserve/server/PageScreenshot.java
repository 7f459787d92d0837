package miniserve.server;

import miniserve.agent.TutorModel;
import miniserve.history.HistoryDatabase;
import miniserve.history.HistoryWriter;
import miniserve.serving.ServeFlags;
import miniserve.serving.ServeFlags.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Takes the README's picture of the learner's page: the shipped tutor in {@code weights/} served by a
 * real {@link TutorServer}, a short text checked in headless Chromium with a learner id, one edit's
 * explanation open. Not a test of the suite: it runs only when asked for, with the file to write,
 * <pre>
 * ./miniserve test -Dtest=PageScreenshot -Dsurefire.failIfNoSpecifiedTests=false -Dminiserve.screenshot=docs/images/page.png
 * </pre>
 * (a relative path is taken from the project's root). It fails rather than write a picture without corrections.
 */
@EnabledIfSystemProperty(named = "miniserve.screenshot", matches = ".+")
class PageScreenshot {

    /** The text of the picture: the shipped tutor corrects its five errors, one in a sentence begun in lower case. */
    static final String TEXT = "My sister have a new job in the city. She likes it, but her two childs miss her a lot. "
            + "he dont see them often. Last week we goed to visit her.";
    static final String LEARNER = "ana";

    @TempDir
    Path tmp;

    @Test
    void takeThePicture() throws Exception {
        Path out = Path.of(System.getProperty("miniserve.screenshot"));
        ServeFlags flags = Flags.batched(Scheduler.CONTINUOUS, 8, 0, 64, ServeFlags.DEFAULT_MAX_TOKENS, 2, 1);
        TutorModel model = TutorModel.load(Path.of(ServeFlags.DEFAULT_WEIGHTS));
        LearnerHistory history = new LearnerHistory(new HistoryWriter(HistoryDatabase.openSqlite(tmp.resolve("history.db"))));
        TutorServer server = TutorServer.start("127.0.0.1", 0, flags, () -> new TutorBackend(model, flags, history));
        ChromeDriver browser = Chromium.start(1000, 900);
        try {
            LearnerPage page = new LearnerPage(browser);
            page.open(server);
            page.setLearner(LEARNER);
            page.typeAndCheck(TEXT);
            page.awaitStatus("Checked ");
            List<WebElement> edits = page.edits();
            assertThat(edits).as("the tutor corrected something in the picture's text").isNotEmpty();
            WebElement shown = edits.get(edits.size() > 1 ? 1 : 0);
            page.script("arguments[0].focus()", shown);
            page.await(ExpectedConditions.visibilityOf(LearnerPage.tip(shown)));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.write(out, browser.getScreenshotAs(OutputType.BYTES));
            System.out.println("wrote " + out.toAbsolutePath() + ": " + page.status());
        } finally {
            browser.quit();
            server.stop(Duration.ofSeconds(30));
        }
    }
}
