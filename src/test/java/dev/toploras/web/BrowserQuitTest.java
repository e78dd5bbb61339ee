package dev.toploras.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toploras.support.Browser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The browser the tests start must end with them. Debian's /usr/bin/chromium-headless-shell runs the browser as a
 * child of a shell script, so quitting it left the browser and its renderers running after the build (60 of them
 * after one `mvn verify`, each holding memory and a little CPU).
 */
class BrowserQuitTest {
    @BeforeAll
    static void browser() {
        Browser.requireInstalled();
    }

    @Test
    void should_leave_no_browser_process_behind_when_the_driver_quits() {
        ChromeDriver driver = Browser.start(800, 600);
        @SuppressWarnings("unchecked")
        String profile = ((Map<String, Object>) driver.getCapabilities().getCapability("chrome")).get("userDataDir")
                .toString();
        assertThat(browserProcesses(profile)).as("the browser, found by its profile").isNotEmpty();

        driver.quit();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(browserProcesses(profile)).as("still running").isEmpty());
    }

    static List<String> browserProcesses(String profile) {
        return ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(cmd -> cmd.contains(profile)).toList();
    }
}
