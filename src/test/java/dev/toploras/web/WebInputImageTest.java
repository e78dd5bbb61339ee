package dev.toploras.web;

import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.core.Json;
import dev.toploras.support.Browser;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.Http;
import dev.toploras.support.Images;
import dev.toploras.support.ServedPage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * An edit LoRA in the browser: its card says it needs an image, the gallery filters on it, the Generate form
 * pre-selects its base model and keeps its button disabled with the reason until an image is picked (uploaded at
 * once, shown as a thumbnail) and while the model does not fit; the job view shows the input beside the output.
 * The API refuses the incompatible base model the form guards against.
 */
class WebInputImageTest {
    static final ObjectMapper JSON = Json.mapper();
    static final String EDIT = "studio0/lora-0";
    static ServedPage page;
    static Http http;
    static ChromeDriver browser;
    static Path picture;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        CatalogFixture.write(dir, 6, 0);
        Path cache = dir.resolve("cache/top_loras_" + CatalogFixture.TASK + ".json");
        ObjectNode doc = (ObjectNode) JSON.readTree(cache.toFile());
        ObjectNode edit = (ObjectNode) doc.path("results").get(0);
        edit.put("needs_image", true);
        ((ArrayNode) edit.putArray("base_models")).add("Qwen/Qwen-Image-Edit");
        Files.writeString(cache, JSON.writeValueAsString(doc));
        picture = dir.resolve("picture.png");
        Files.write(picture, Images.png(64, 48));
        page = ServedPage.start(dir, Map.of("modelscope.inference-url", "http://127.0.0.1:9", "local.url", ""));
        http = page.http();
        browser = page.browser();
    }

    @AfterAll
    static void stop() {
        ServedPage.close(page);
    }

    static String reason() {
        return browser.findElement(By.id("gen-reason")).getText();
    }

    static boolean submitDisabled() {
        return !browser.findElement(By.id("gen-submit")).isEnabled();
    }

    @Test
    void should_disable_generate_with_the_reason_until_an_image_is_given_and_the_model_fits() {
        browser.get(http.base() + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector(".card")).isEmpty());
        WebElement card = browser.findElement(By.cssSelector(".card[data-id='" + EDIT + "']"));
        assertThat(card.findElement(By.cssSelector(".needs-image")).getText()).contains("Needs an input image");
        assertThat(browser.findElements(By.cssSelector(".card .needs-image"))).hasSize(1);

        card.findElement(By.cssSelector("button[data-act='generate']")).click();
        assertThat(browser.findElement(By.name("model_id")).getAttribute("value")).isEqualTo("Qwen/Qwen-Image-Edit");
        await().atMost(Duration.ofSeconds(5)).until(WebInputImageTest::submitDisabled);
        assertThat(reason()).contains("edits an input image");
        Browser.screenshot(browser, "generate-needs-image");

        WebElement pick = browser.findElement(By.id("image-pick"));
        browser.executeScript("arguments[0].hidden = false", pick);
        pick.sendKeys(picture.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector("#image-thumb img"))
                .isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> !submitDisabled());
        assertThat(reason()).isEmpty();

        WebElement model = browser.findElement(By.name("model_id"));
        model.sendKeys(Keys.chord(Keys.CONTROL, "a"), "black-forest-labs/FLUX.1-dev");
        await().atMost(Duration.ofSeconds(5)).until(WebInputImageTest::submitDisabled);
        assertThat(reason()).contains(EDIT).contains("Qwen/Qwen-Image-Edit").contains("black-forest-labs/FLUX.1-dev");
        Browser.screenshot(browser, "generate-base-mismatch");

        model.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Qwen/Qwen-Image-Edit");
        new Select(browser.findElement(By.name("backend"))).selectByValue("local");
        WebElement prompt = browser.findElement(By.name("prompt"));
        prompt.clear();
        prompt.sendKeys("the same scene at night");
        await().atMost(Duration.ofSeconds(5)).until(() -> !submitDisabled());
        browser.findElement(By.id("gen-submit")).click();
        // The view is rebuilt as events arrive: read it through the page, not through held element references.
        String loaded = "return [...document.querySelectorAll('#job .outputs img%s')]"
                + ".filter((i) => i.complete && i.naturalWidth > 0).map((i) => i.src)";
        List<?> inputs = await().atMost(Duration.ofSeconds(30)).until(() ->
                (List<?>) browser.executeScript(String.format(loaded, ".job-input")), l -> l.size() == 1);
        assertThat(String.valueOf(inputs.get(0))).contains("/inputs/0.png");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                (List<?>) browser.executeScript(String.format(loaded, ":not(.job-input)")), l -> l.size() == 1);
        Browser.screenshot(browser, "generate-input-beside-output");
    }

    @Test
    void should_filter_the_gallery_to_loras_that_need_an_image() {
        browser.get(http.base() + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector(".card")).isEmpty());
        new Select(browser.findElement(By.id("f-image"))).selectByValue("needs");
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElements(By.cssSelector(".card")).size() == 1);
        assertThat(browser.findElement(By.cssSelector(".card")).getAttribute("data-id")).isEqualTo(EDIT);
    }

    @Test
    void should_refuse_over_the_api_a_model_of_another_family_than_the_lora_unless_told_to_allow_it()
            throws Exception {
        String png = "upload:" + JSON.readTree(upload()).path("upload_id").asText();
        String job = "{\"task\": \"text-to-image-synthesis\", \"model_id\": \"black-forest-labs/FLUX.1-dev\","
                + " \"loras\": \"" + EDIT + "\", \"images\": [\"" + png + "\"], \"params\": {\"prompt\": \"x\"},"
                + " \"backend\": \"local\"%s}";
        HttpResponse<String> refused = http.post("/api/v1/generate", String.format(job, ""));
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_request");
        assertThat(error.path("message").asText()).contains("black-forest-labs/FLUX.1-dev", "Qwen/Qwen-Image-Edit",
                "allow_base_mismatch");
        assertThat(http.post("/api/v1/generate", String.format(job, ", \"allow_base_mismatch\": true")).statusCode())
                .isEqualTo(202);
        HttpResponse<String> noImage = http.post("/api/v1/generate", "{\"task\": \"text-to-image-synthesis\","
                + " \"model_id\": \"Qwen/Qwen-Image-Edit\", \"loras\": \"" + EDIT + "\", \"params\": {\"prompt\": \"x\"}}");
        assertThat(noImage.statusCode()).isEqualTo(400);
        assertThat(noImage.body()).contains("edits an input image");
    }

    static String upload() throws Exception {
        return http.upload(Files.readAllBytes(picture), "image/png").body();
    }
}
