package miniserve.server;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Debian's headless Chromium driven by WebDriver, for the tests of the learner's page. The browser and
 * its driver are the packages {@code chromium} and {@code chromium-driver} ({@code deploy/debian-packages.sh}
 * installs them; {@code .ci/run} calls it), found at their Debian paths, so nothing is downloaded.
 */
final class Chromium {

    static final Path BROWSER = Path.of(System.getProperty("miniserve.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("miniserve.chromedriver", "/usr/bin/chromedriver"));
    // The tests use WebDriver only, no DevTools protocol: its warning that this Selenium has no CDP
    // classes for Debian's newer Chromium is noise. Held here, as JUL keeps loggers weakly.
    private static final Logger CDP_VERSION_LOG = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_LOG.setLevel(Level.SEVERE);
    }

    /** The longest any page test waits for something to appear; a guard against hangs, not a speed goal. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private Chromium() {}

    /**
     * A fresh headless browser with a window of {@code width} x {@code height} CSS pixels. Without
     * Chromium the test is skipped, saying why, except in CI, where {@code .ci/run} installs it and its
     * absence is a failure.
     */
    static ChromeDriver start(int width, int height) {
        return start(width, height, false);
    }

    /**
     * As {@link #start(int, int)}, the page seen as on a phone: a viewport of {@code width} x
     * {@code height} CSS pixels (a desktop window cannot be narrower than 500), touch events.
     */
    static ChromeDriver startPhone(int width, int height) {
        return start(width, height, true);
    }

    private static ChromeDriver start(int width, int height, boolean phone) {
        boolean installed = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
        String missing = "the page's browser tests need " + BROWSER + " and " + DRIVER
                + " (Debian's chromium and chromium-driver: bash deploy/debian-packages.sh installs them)";
        if (!installed && System.getenv("CI") != null) throw new IllegalStateException(missing);
        Assumptions.assumeTrue(installed, missing);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--window-size=" + width + "," + height);
        if (phone) options.setExperimentalOption("mobileEmulation", Map.of(
                "deviceMetrics", Map.of("width", width, "height", height, "pixelRatio", 1.0, "touch", true)));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        return driver;
    }

    static WebDriverWait waitFor(WebDriver driver) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(20));
    }
}
