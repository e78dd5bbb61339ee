package dev.toploras.web;

import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.support.Browser;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.Http;
import dev.toploras.support.ServedPage;
import java.nio.file.Path;
import java.time.Duration;
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
 * The generate round trip in the browser: form → POST /api/v1/generate → live progress over SSE → the output image
 * from /assets/outputs, run again, and the job in the history after a reload. Uses the local preview backend.
 */
class WebGenerateTest {
    static ServedPage page;
    static Http http;
    static ChromeDriver browser;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        CatalogFixture.write(dir, 20, 0);
        page = ServedPage.start(dir, Map.of("modelscope.inference-url", "http://127.0.0.1:9", "local.url", ""));
        http = page.http();
        browser = page.browser();
    }

    @AfterAll
    static void stop() {
        ServedPage.close(page);
    }

    static WebElement awaitOutput() {
        return Browser.awaitOutputImage(browser, Duration.ofSeconds(30));
    }

    @Test
    void should_generate_show_the_output_image_run_again_and_list_the_job_after_a_reload() {
        browser.get(http.base() + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector(".card")).isEmpty());
        browser.findElement(By.cssSelector(".card[data-id='studio0/lora-0'] button[data-act='generate']")).click();
        WebElement prompt = browser.findElement(By.name("prompt"));
        prompt.clear();
        prompt.sendKeys("a lighthouse at dusk, trig0 style");
        browser.findElement(By.name("width")).clear();
        browser.findElement(By.name("width")).sendKeys("512");
        browser.findElement(By.name("height")).clear();
        browser.findElement(By.name("height")).sendKeys("512");
        browser.findElement(By.name("seed")).sendKeys("42");
        new Select(browser.findElement(By.name("backend"))).selectByValue("local");
        browser.findElement(By.id("gen-submit")).click();

        WebElement img = awaitOutput();
        assertThat(img.getAttribute("src")).startsWith(http.base() + "/assets/outputs/").endsWith(".png");
        assertThat(img.getAttribute("alt")).contains("a lighthouse at dusk");
        WebElement job = browser.findElement(By.cssSelector("#job .job-view"));
        assertThat(job.findElement(By.cssSelector(".status")).getText()).isEqualTo("succeeded");
        assertThat(job.findElement(By.cssSelector(".backend")).getText()).contains("local");
        assertThat(job.findElement(By.tagName("figcaption")).getText()).contains("seed 42");
        assertThat((String) browser.executeScript("return document.querySelector('#job .snapshot pre').textContent"))
                .contains("\"prompt\": \"a lighthouse at dusk, trig0 style\"", "\"size\": \"512x512\"");
        Browser.screenshot(browser, "generate-done");
        String firstJob = job.getAttribute("data-job");

        job.findElement(By.xpath(".//button[text()='Run again with same parameters']")).click();
        // the view is rebuilt for the new job: it may be briefly absent while that happens
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#job .job-view"))
                .stream().anyMatch(v -> !firstJob.equals(v.getAttribute("data-job"))));
        awaitOutput();

        browser.navigate().refresh();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#history li button")).size() >= 2);
        browser.findElement(By.xpath("//ol[@id='history']//button[starts-with(text(), '" + firstJob + "')]")).click();
        assertThat(awaitOutput().getAttribute("src")).contains("/assets/outputs/");
    }
}
