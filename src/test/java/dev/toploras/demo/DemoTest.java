package dev.toploras.demo;

import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.modelscope.LoraNormalizer;
import dev.toploras.support.AppProcess;
import dev.toploras.support.Browser;
import dev.toploras.support.Http;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * `top-loras demo` as a user meets it: its own JVM in a fresh folder, no token, and a MODELSCOPE_BASE_URL pointing
 * at a dead port (so anything reaching past the stand-in fails); then the page in Chromium: the gallery is the
 * captured listing's LoRAs and a Generate from the page ends with the stand-in's image.
 */
class DemoTest {
    @TempDir
    static Path dir;
    static Process demo;
    static Http http;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        int port = Http.freePort();
        ProcessBuilder pb = new ProcessBuilder(AppProcess.command("demo", "--port", String.valueOf(port))).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().remove("MODELSCOPE_API_TOKEN");
        pb.environment().remove("TOP_LORAS_HOME");
        pb.environment().put("MODELSCOPE_BASE_URL", "http://127.0.0.1:9");
        pb.environment().put("MODELSCOPE_INFERENCE_URL", "http://127.0.0.1:9");
        demo = pb.start();
        http = new Http(port);
        await().atMost(Duration.ofSeconds(90)).until(() -> stderr().contains("(Ctrl-C to stop)"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            Browser.release(browser);
        }
        demo.destroy();
        if (!demo.waitFor(30, TimeUnit.SECONDS)) {
            demo.destroyForcibly();
        }
    }

    static String stderr() throws Exception {
        Path f = dir.resolve("stderr.txt");
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    /** The LoRA ids of the captured page the demo ships, by the catalog's own rule (wider than AigcType). */
    static Set<String> capturedLoras() throws Exception {
        try (InputStream in = DemoTest.class.getResourceAsStream(ModelScopeStandIn.LISTING_RESOURCE)) {
            JsonNode models = new ObjectMapper().readTree(in).path("Data").path("Model").path("Models");
            Set<String> ids = new HashSet<>();
            models.forEach(m -> {
                if (LoraNormalizer.isLora(m)) {
                    ids.add(m.path("Path").asText() + "/" + m.path("Name").asText());
                }
            });
            return ids;
        }
    }

    @Test
    void should_serve_the_captured_pages_loras_from_its_own_home_and_generate_from_the_page() throws Exception {
        String banner = stderr();
        assertThat(banner).contains("open " + http.base() + "/", dir.resolve("demo-home").toString());
        assertThat(dir.resolve("demo-home/.top-loras-demo")).exists();
        assertThat(dir.resolve("cache")).doesNotExist();

        Browser.requireInstalled();
        browser = Browser.shared(1280, 900);
        browser.get(http.base() + "/");
        List<WebElement> cards = await().atMost(Duration.ofSeconds(60)).until(
                () -> browser.findElements(By.cssSelector(".card")), c -> c.size() >= 20);
        Set<String> captured = capturedLoras();
        for (WebElement card : cards) {
            assertThat(captured).contains(card.getAttribute("data-id"));
        }
        // covers are the stand-in's drawn PNGs, stored in the demo home and served from there
        await().atMost(Duration.ofSeconds(20)).until(() -> (Boolean) browser.executeScript(
                "const i = document.querySelector('.card img'); return !!i && i.complete && i.naturalWidth > 0"));
        Browser.screenshot(browser, "demo-gallery");

        cards.get(0).findElement(By.cssSelector("button[data-act='generate']")).click();
        WebElement prompt = browser.findElement(By.name("prompt"));
        prompt.clear();
        prompt.sendKeys("a golden cat, 一只金色的猫");
        browser.findElement(By.name("width")).clear();
        browser.findElement(By.name("width")).sendKeys("512");
        browser.findElement(By.name("height")).clear();
        browser.findElement(By.name("height")).sendKeys("512");
        browser.findElement(By.id("gen-submit")).click();

        WebElement img = Browser.awaitOutputImage(browser, Duration.ofSeconds(60));
        assertThat(img.getAttribute("src")).startsWith(http.base() + "/assets/outputs/");
        WebElement job = browser.findElement(By.cssSelector("#job .job-view"));
        assertThat(job.findElement(By.cssSelector(".status")).getText()).isEqualTo("succeeded");
        Browser.screenshot(browser, "demo-generate");
        // API-Inference (the stand-in) made it: not the local preview
        JsonNode doc = new ObjectMapper().readTree(http.get("/api/v1/generate/" + job.getAttribute("data-job")).body());
        assertThat(doc.path("meta").path("backend").asText()).doesNotContain("preview");
        assertThat(stderr()).doesNotContain("Exception", "127.0.0.1:9");
    }
}
