package miniserve.server;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.List;

/** The learner's page at {@code /} as a test sees it in the browser: what to do on it, what it shows. */
record LearnerPage(ChromeDriver browser) {

    void open(TutorServer server) {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        await(ExpectedConditions.elementToBeClickable(By.id("check")));
    }

    WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    /** Types the text into the text area and sends it with Ctrl+Enter, as a learner would. */
    void typeAndCheck(String text) {
        WebElement area = find("#text");
        area.clear();
        area.sendKeys(text);
        area.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    }

    /** Puts a text too long to type key by key into the text area, then presses the button. */
    void pasteAndCheck(String text) {
        script("document.getElementById('text').value = arguments[0]", text);
        find("#check").click();
    }

    void setLearner(String id) {
        WebElement learner = find("#learner");
        learner.clear();
        learner.sendKeys(id);
    }

    String status() {
        return find("#status").getText();
    }

    /** Waits (at most {@link Chromium#WAIT}) until the status line contains {@code part}. */
    void awaitStatus(String part) {
        await(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), part));
    }

    WebElement await(String css) {
        return await(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    <T> T await(ExpectedCondition<T> condition) {
        return Chromium.waitFor(browser).until(condition);
    }

    /** The sentence shown for the text's piece {@code index}, once its correction has come. */
    List<WebElement> sentence(int index) {
        return all("#output [data-index='" + index + "']");
    }

    /** The parts of the text whose correction has not come yet, as shown. */
    List<String> pending() {
        return all("#output .pending").stream().map(e -> e.getText().strip()).filter(t -> !t.isEmpty()).toList();
    }

    List<WebElement> edits() {
        return all("#output .edit");
    }

    static String struck(WebElement edit) {
        return edit.findElement(By.tagName("del")).getText();
    }

    static String replacement(WebElement edit) {
        return edit.findElement(By.tagName("ins")).getText();
    }

    static WebElement tip(WebElement edit) {
        return edit.findElement(By.className("tip"));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(js, args);
    }

    /** Whether the page is wider than the window (a learner would have to scroll sideways). */
    boolean scrollsSideways() {
        return (Boolean) script("return document.documentElement.scrollWidth > window.innerWidth");
    }
}
