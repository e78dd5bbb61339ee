package dev.toploras.web;

import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.support.AppProcess;
import dev.toploras.support.Browser;
import dev.toploras.support.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * `serve` started where ModelScope cannot be reached (a port nothing listens on stands for no network): its own
 * JVM, so stderr is what a user sees. The start-up refresh fails with one WARN line and no stack trace, and the
 * page says why and how to point the runtime at a mirror.
 */
class ServeOfflineTest {
    @TempDir
    Path home;

    String stderr() throws Exception {
        Path f = home.resolve("stderr.txt");
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    @Test
    void should_log_one_line_without_a_stack_trace_and_show_why_and_the_mirror_hint_on_the_page() throws Exception {
        int port = Http.freePort();
        int dead = Http.freePort();
        Process serve = new ProcessBuilder(AppProcess.command("serve", "--port", String.valueOf(port), "--home",
                home.toString(), "--set", "modelscope.base-url=http://127.0.0.1:" + dead, "--set", "retries.max=1",
                "--set", "retries.initial-delay=100")).redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile()).start();
        ChromeDriver browser = null;
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> stderr().contains("failed, previous cache kept"));
            String err = stderr();
            assertThat(err).contains("refresh of text-to-image-synthesis failed, previous cache kept")
                    .doesNotContain("\tat ", "Exception:", "RuntimeBeanExpressionException");

            Browser.requireInstalled();
            browser = Browser.shared(1280, 900);
            browser.get(new Http(port).base() + "/");
            ChromeDriver b = browser;
            await().atMost(Duration.ofSeconds(20)).until(() -> b.findElement(By.id("summary")).getText()
                    .contains("the last refresh failed"));
            String summary = browser.findElement(By.id("summary")).getText();
            assertThat(summary).contains("MODELSCOPE_BASE_URL", "127.0.0.1:" + dead);
            Browser.screenshot(browser, "serve-offline");
        } finally {
            if (browser != null) {
                Browser.release(browser);
            }
            serve.destroy();
            if (!serve.waitFor(30, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
    }
}
