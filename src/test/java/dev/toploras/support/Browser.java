package dev.toploras.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium, driven by Selenium with the driver path set explicitly so Selenium Manager never
 * downloads a browser or driver. Debian's {@code chromium-headless-shell} when it is installed: the same Blink and V8
 * as {@code chromium --headless=new} without the desktop browser around them, which cost the browser classes 39 to
 * 47 of their 156 CPU-seconds (docs/benchmarks.md, "the headless shell"). Else {@code chromium} itself.
 */
public final class Browser {
    // The shell's binary, not Debian's /usr/bin/chromium-headless-shell: that script runs it as a child (no exec), and
    // chromedriver's quit then stops the script and leaves the browser running.
    static final Path HEADLESS_SHELL = Path.of("/usr/lib/chromium/chromium-headless-shell");
    public static final Path CHROMIUM = Path.of(System.getProperty("browser.chromium",
            Files.isExecutable(HEADLESS_SHELL) ? HEADLESS_SHELL.toString() : "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));

    private Browser() {
    }

    /**
     * In CI a missing browser is a failure (.ci/run installs it from .ci/system-packages); on a developer's machine
     * without it the browser tests are skipped with a message saying what to install.
     */
    public static void requireInstalled() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String message = "headless Chromium not found at " + CHROMIUM + " / " + CHROMEDRIVER
                + ": apt-get install chromium-headless-shell chromium-driver (listed in .ci/system-packages)";
        if (!present && System.getenv("CI") != null) {
            throw new IllegalStateException(message);
        }
        Assumptions.assumeTrue(present, message);
    }

    private static ChromeDriver shared;

    /**
     * This JVM's one Chromium, blank, without cookies and at the size asked; quit when the JVM exits. A start costs
     * about 4 CPU-seconds, and the browser classes run one after another in a test JVM. Each class serves on a port of
     * its own, so local and session storage (per origin) never carry over; cookies (per host) are cleared here.
     * Give it back with {@link #release} before stopping the server it looked at.
     */
    public static synchronized ChromeDriver shared(int width, int height) {
        if (shared != null) {
            try {
                shared.get("about:blank");
            } catch (org.openqa.selenium.WebDriverException gone) {
                shared = null;
            }
        }
        if (shared == null) {
            shared = start(width, height);
            ChromeDriver own = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(own::quit, "quit-chromium"));
        }
        shared.manage().deleteAllCookies();
        resize(shared, width, height);
        return shared;
    }

    /** Leaves the page (closing its event stream to the server, which would hold the server's shutdown). */
    public static void release(ChromeDriver driver) {
        try {
            driver.get("about:blank");
        } catch (org.openqa.selenium.WebDriverException e) {
            driver.quit(); // a broken browser: the next shared() starts another
        }
    }

    public static ChromeDriver start(int width, int height) {
        // No --user-data-dir of ours: chromedriver then makes a profile it deletes on quit, and opens a first page,
        // which the headless shell needs (given a profile, chromedriver opens none and the shell shows no page).
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                        "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        resize(driver, width, height);
        return driver;
    }

    /** Sets the viewport (not the window) to the size asked, so column counts do not depend on window chrome. */
    public static void resize(ChromeDriver driver, int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        Object inner = driver.executeScript("return [window.innerWidth, window.innerHeight]");
        if (inner instanceof java.util.List<?> l && l.size() == 2) {
            int dw = width - ((Number) l.get(0)).intValue();
            int dh = height - ((Number) l.get(1)).intValue();
            if (dw != 0 || dh != 0) {
                driver.manage().window().setSize(new Dimension(width + dw, height + dh));
            }
        }
    }

    /**
     * Awaitility for what a page shows. The page rebuilds its views as events arrive, so an element found a moment
     * ago may be gone by the time it is read: that look counts as "not yet", not as a failure.
     */
    public static ConditionFactory await() {
        return Awaitility.await().ignoreException(org.openqa.selenium.StaleElementReferenceException.class);
    }

    /** The Generate dialog's first output image, once it has loaded. */
    public static org.openqa.selenium.WebElement awaitOutputImage(ChromeDriver driver, Duration atMost) {
        // the job view is rebuilt as the job moves on: an image found a moment ago may be gone; look again
        return await().atMost(atMost).until(() -> {
            java.util.List<org.openqa.selenium.WebElement> imgs = driver.findElements(
                    org.openqa.selenium.By.cssSelector("#job .outputs img"));
            return imgs.isEmpty() || !(Boolean) driver.executeScript(
                    "return arguments[0].complete && arguments[0].naturalWidth > 0", imgs.get(0)) ? null : imgs.get(0);
        }, img -> img != null);
    }

    public static Path screenshot(ChromeDriver driver, String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "screenshots"));
            Path file = dir.resolve(name + ".png");
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A screenshot of the whole page, not only the viewport (Chromium's DevTools full-page capture). */
    public static Path fullPage(ChromeDriver driver, String name) {
        Number h = (Number) driver.executeScript("return document.documentElement.scrollHeight");
        Object w = driver.executeScript("return window.innerWidth");
        Dimension before = driver.manage().window().getSize();
        resize(driver, ((Number) w).intValue(), Math.min(h.intValue(), 4000));
        try {
            return screenshot(driver, name);
        } finally {
            driver.manage().window().setSize(before);
        }
    }
}
