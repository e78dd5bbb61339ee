package dev.toploras.web;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.local.LocalStubs;
import dev.toploras.support.Browser;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.Http;
import dev.toploras.support.ServedPage;
import dev.toploras.support.Stubs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * What a LoRA user meets in the page with a ComfyUI behind it (a stub on the captured replies): trigger words on
 * the cards and into the prompt in one click, ComfyUI's own sampler names and its installed LoRAs in the form.
 */
class WebLocalLorasTest {
    static WireMockServer comfy;
    static ServedPage page;
    static Http http;
    static ChromeDriver browser;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        comfy = Stubs.wireMock();
        LocalStubs.comfyObjectInfo(comfy, List.of("sd_xl_base_1.0.safetensors"));
        comfy.stubFor(get(urlPathEqualTo("/models/loras")).willReturn(okJson(
                LocalStubs.captured("models_loras.json").toString())));
        CatalogFixture.write(dir, 20, 0);
        page = ServedPage.start(dir, Map.of("modelscope.inference-url", "http://127.0.0.1:9", "local.backend",
                "comfyui", "local.comfyui.url", comfy.baseUrl()));
        http = page.http();
        browser = page.browser();
    }

    @AfterAll
    static void stop() {
        ServedPage.close(page);
        comfy.stop();
    }

    static void openStudio(String loraId) {
        browser.get(http.base() + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector(".card")).isEmpty());
        browser.findElement(By.cssSelector(".card[data-id='" + loraId + "'] button[data-act='generate']")).click();
    }

    @Test
    void should_show_trigger_words_on_the_card_and_put_them_into_the_prompt_in_one_click() {
        browser.get(http.base() + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector(".card")).isEmpty());
        WebElement triggers = browser.findElement(By.cssSelector(".card[data-id='studio0/lora-0'] .triggers"));
        assertThat(triggers.getText()).contains("trig0 style");

        openStudio("studio0/lora-0");
        WebElement prompt = browser.findElement(By.name("prompt"));
        prompt.clear();
        prompt.sendKeys("a lighthouse at dusk");
        WebElement add = browser.findElement(By.cssSelector("#gen-loras .add-triggers"));
        add.click();
        assertThat(prompt.getAttribute("value")).isEqualTo("trig0 style, a lighthouse at dusk");
        add.click();
        assertThat(prompt.getAttribute("value")).as("a second click adds nothing").isEqualTo(
                "trig0 style, a lighthouse at dusk");
        Browser.screenshot(browser, "trigger-words");

        new Select(browser.findElement(By.name("backend"))).selectByValue("local");
        browser.findElement(By.id("gen-submit")).click();
        // The job records which trigger words it was given (whatever ComfyUI then makes of it).
        com.fasterxml.jackson.databind.JsonNode jobs = await().atMost(Duration.ofSeconds(10)).until(
                () -> new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.get("/api/v1/jobs").body()),
                j -> j.toString().contains("a lighthouse at dusk"));
        assertThat(jobs.toString()).contains("\"trigger_words\":[\"trig0 style\"]");
    }

    @Test
    void should_offer_comfyuis_own_sampler_names_and_its_installed_loras_in_the_generate_form() {
        openStudio("studio1/lora-1");
        Select sampler = new Select(browser.findElement(By.name("sampler")));
        await().atMost(Duration.ofSeconds(10)).until(() -> sampler.getOptions().size() > 40);
        assertThat(sampler.getOptions()).extracting(WebElement::getText).contains("euler_ancestral", "dpmpp_2m");
        Select scheduler = new Select(browser.findElement(By.name("scheduler")));
        assertThat(scheduler.getOptions()).extracting(WebElement::getText).contains("karras", "normal");

        String installed = LocalStubs.captured("models_loras.json").get(1).asText();
        Select pick = new Select(browser.findElement(By.id("gen-local-lora")));
        pick.selectByValue("local:" + installed);
        await().atMost(Duration.ofSeconds(5)).until(() -> browser.findElement(By.id("gen-loras")).getText()
                .contains(installed));
        assertThat(new Select(browser.findElement(By.name("backend"))).getFirstSelectedOption()
                .getAttribute("value")).isEqualTo("local");
    }
}
