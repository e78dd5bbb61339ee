package dev.toploras.web;

import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.jobs.Backend;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.jobs.Stage;
import dev.toploras.support.Browser;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.HistoryFixture;
import dev.toploras.support.ServedPage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * What a new user met on the page (issue 11, items 12-18), in Chromium with screenshots: avatars, "Past jobs"
 * numbering, the Generate dialog's layout and log box, the seed used, field messages, the Rising hint and the
 * downloads chart's axes.
 */
class WebFirstUseTest {
    static final String TASK = CatalogFixture.TASK;
    static ServedPage page;
    static ChromeDriver browser;

    @BeforeAll
    static void start(@TempDir Path home) throws Exception {
        CatalogFixture.write(home, 6, 0, false);
        Path cache = home.resolve("cache/top_loras_" + TASK + ".json");
        ObjectNode doc = (ObjectNode) Json.mapper().readTree(cache.toFile());
        for (JsonNode r : doc.path("results")) {
            // as ModelScope lists them: avatars on a third-party CDN, out of reach here
            ((ObjectNode) r).put("avatar", "https://avatars.example.invalid/" + r.path("author").asText() + ".png");
        }
        ObjectNode bare = (ObjectNode) doc.path("results").get(3);
        bare.putArray("base_models");
        bare.putNull("vision_foundation");
        bare.putArray("trigger_words");
        Files.write(cache, Json.mapper().writeValueAsBytes(doc));
        String id = doc.path("results").get(0).path("id").asText();
        Instant now = Instant.now();
        HistoryFixture.snapshot(home, TASK, now.minus(Duration.ofDays(2)), "downloads", id, 200_000, 10);
        HistoryFixture.snapshot(home, TASK, now.minus(Duration.ofDays(1)), "downloads", id, 204_000, 11);
        HistoryFixture.snapshot(home, TASK, now, "downloads", id, 210_000, 12);
        writeJobs(home);
        page = ServedPage.start(home, Map.of());
        browser = page.browser();
    }

    /** A finished job with an image, a seed only in its params (drawn by the runtime) and a long log; older jobs. */
    static void writeJobs(Path home) throws Exception {
        JobStore store = new JobStore(new Home(home), Json.mapper(), Clock.systemUTC());
        for (int i = 0; i < 3; i++) {
            String prompt = "an old job with a prompt long enough to wrap over two lines in the side panel " + i;
            JobDocument q = store.create(JobDocument.queued(new JobRequest("old-" + i, TASK, "Qwen/Qwen-Image", Map.of(),
                    new JobParams(prompt, null, "512x512", 20, 4.0, 1L, null, null), Backend.LOCAL, null),
                    Instant.now().minusSeconds(600 - i), "test"));
            store.moveTo(q, JobStatus.CANCELLED, "cancelled");
        }
        JobDocument doc = store.create(JobDocument.queued(new JobRequest("seeded-1", TASK, "Qwen/Qwen-Image",
                Map.of(), new JobParams("a lighthouse at dusk", null, "512x512", 20, 4.0, 777L, null, null),
                Backend.LOCAL, null), Instant.now(), "test"));
        doc = store.moveTo(doc, JobStatus.RUNNING, "running");
        for (int i = 1; i <= 14; i++) {
            store.log(doc, Stage.RENDERING_LOCAL, "rendering step " + i + " of 14");
        }
        Path png = store.imagesDir(TASK, "seeded-1").resolve("0.png");
        Files.createDirectories(png.getParent());
        Files.write(png, CatalogFixture.cover(3, 512, 512));
        doc = store.update(doc.withResult(List.of(new JobDocument.ResultImage(0, "image",
                new JobDocument.ImageData(new Home(home).relative(png), null, "image/png"),
                new JobDocument.ImageMeta(512, 512, null)))));
        store.moveTo(doc, JobStatus.SUCCEEDED, "DONE");
    }

    @AfterAll
    static void stop() {
        ServedPage.close(page);
    }

    @BeforeEach
    void open() {
        browser.get(page.http().base() + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector(".card")).size() == 6);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#history .num")).size() == 4
                || !browser.findElements(By.cssSelector("#history li")).isEmpty());
    }

    Object js(String script, Object... args) {
        return browser.executeScript(script, args);
    }

    @Test
    void should_show_no_broken_image_and_ask_no_third_party_host_when_avatars_are_out_of_reach() {
        await().atMost(Duration.ofSeconds(10)).until(() -> (Boolean) js(
                "return [...document.querySelectorAll('img')].every(i => i.complete)"));
        Browser.screenshot(browser, "first-use-gallery");

        assertThat(browser.findElements(By.cssSelector(".card .avatar"))).hasSize(6);
        assertThat(js("return [...document.querySelectorAll('img')].filter(i => i.naturalWidth === 0).map(i => i.src)"))
                .asList().isEmpty();
        assertThat(js("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".filter(n => !n.startsWith(location.origin) && !n.startsWith('blob:'))")).asList().isEmpty();
    }

    @Test
    void should_number_each_past_job_on_its_first_line_when_entries_wrap() {
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#history li")).size() == 4);
        List<WebElement> items = browser.findElements(By.cssSelector("#history li"));
        for (int i = 0; i < items.size(); i++) {
            WebElement num = items.get(i).findElement(By.cssSelector(".num"));
            WebElement entry = items.get(i).findElement(By.tagName("button"));
            assertThat(num.getText()).isEqualTo((i + 1) + ".");
            int lineHeight = num.getRect().getHeight();
            if (entry.getText().startsWith("old-")) {
                assertThat(entry.getRect().getHeight()).as("entry wraps").isGreaterThan(lineHeight * 3 / 2);
            }
            assertThat(Math.abs(num.getRect().getY() - entry.getRect().getY())).as("number beside the first line")
                    .isLessThan(lineHeight / 2);
        }
        Browser.screenshot(browser, "first-use-past-jobs");
    }

    @Test
    void should_show_the_seed_used_keep_the_form_compact_and_follow_the_log_to_its_last_line() {
        browser.findElement(By.xpath("//ol[@id='history']//button[starts-with(., 'seeded-1')]")).click();
        WebElement caption = await().atMost(Duration.ofSeconds(10)).until(
                () -> browser.findElements(By.cssSelector("#job figcaption")), l -> !l.isEmpty()).get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> (Boolean) js(
                "const i = document.querySelector('#job .outputs img'); return i.complete && i.naturalWidth > 0"));

        assertThat(caption.getText()).contains("seed 777").doesNotContain("seed ?", "null");
        Number widestGap = (Number) js("const kids = [...document.querySelectorAll('#gen-form > *')]"
                + ".filter(k => k.offsetParent !== null);"
                + "let gap = 0; for (let i = 1; i < kids.length; i++) {"
                + "  gap = Math.max(gap, kids[i].getBoundingClientRect().top - kids[i - 1].getBoundingClientRect().bottom); }"
                + "return gap;");
        assertThat(widestGap.doubleValue()).as("largest gap between the form's rows, px").isLessThan(16);
        WebElement log = browser.findElement(By.cssSelector("#job .log"));
        List<WebElement> lines = log.findElements(By.tagName("li"));
        assertThat(lines.get(lines.size() - 1).getText()).contains("DONE");
        assertThat((Boolean) js("const log = arguments[0], last = log.lastElementChild;"
                + "return last.getBoundingClientRect().bottom <= log.getBoundingClientRect().bottom + 1", log))
                .as("the last log line is in view").isTrue();
        Browser.screenshot(browser, "first-use-generate-job");
    }

    List<WebElement> shownErrors() {
        return browser.findElements(By.cssSelector("#gen-form .field-error")).stream()
                .filter(e -> e.isDisplayed() && !e.getText().isBlank()).toList();
    }

    @Test
    void should_say_at_each_field_what_to_fix_only_once_touched_or_at_generate_when_a_card_has_no_base_model() {
        browser.findElement(By.cssSelector(".card[data-id='studio3/lora-3'] button[data-act='generate']")).click();

        // nothing typed yet: no red text on an untouched form, and Generate is there to press
        assertThat(shownErrors()).isEmpty();
        assertThat(browser.findElement(By.id("gen-reason")).getText()).isEmpty();

        browser.findElement(By.id("gen-submit")).click();

        String reason = browser.findElement(By.id("gen-reason")).getText();
        assertThat(reason).startsWith("Fix 2 fields to generate").contains("Model", "Prompt");
        assertThat(shownErrors()).hasSize(2);
        Browser.screenshot(browser, "first-use-fix-fields");
        js("document.querySelector('#studio').close()");

        // opened again: untouched; a field the user typed in and emptied says what to fix, the others wait
        browser.findElement(By.cssSelector(".card[data-id='studio3/lora-3'] button[data-act='generate']")).click();
        assertThat(shownErrors()).isEmpty();
        WebElement prompt = browser.findElement(By.name("prompt"));
        prompt.sendKeys("x", Keys.BACK_SPACE);
        assertThat(shownErrors()).extracting(e -> e.getAttribute("data-for")).containsExactly("prompt");
        js("document.querySelector('#studio').close()");
    }

    @Test
    void should_keep_the_gallery_above_the_fold_at_390_px_and_serve_a_favicon() {
        try {
            Browser.resize(browser, 390, 844);
            browser.navigate().refresh();
            WebElement card = await().atMost(Duration.ofSeconds(10)).until(
                    () -> browser.findElements(By.cssSelector(".card")), c -> !c.isEmpty()).get(0);
            Number top = (Number) js("return arguments[0].getBoundingClientRect().top", card);
            assertThat(top.intValue()).as("first card's top at 390x844").isLessThan(844 - 100);
            Number jobs = (Number) js("return document.querySelector('#history-h').getBoundingClientRect().top");
            assertThat(jobs.intValue()).as("past jobs come after the cards").isGreaterThan(top.intValue());
            Browser.screenshot(browser, "first-use-390");
        } finally {
            Browser.resize(browser, 1280, 900);
            browser.navigate().refresh();
        }
        assertThat(page.http().get("/favicon.ico").statusCode()).isEqualTo(200);
        assertThat((String) js("return document.querySelector('link[rel=icon]').href")).endsWith("/web/favicon.svg");
        assertThat(page.http().get("/web/favicon.svg").body()).startsWith("<svg");
    }

    @Test
    void should_give_the_url_the_page_is_served_from_as_the_openapi_server() throws Exception {
        JsonNode api = Json.mapper().readTree(page.http().get("/api/openapi.json").body());
        assertThat(api.path("servers").get(0).path("url").asText()).isEqualTo(page.http().base());
    }

    @Test
    void should_explain_that_rising_needs_history_when_no_velocity_is_known() {
        assertThat(browser.findElement(By.id("sort-hint")).isDisplayed()).isFalse();

        new Select(browser.findElement(By.id("sort"))).selectByValue("trending");

        WebElement hint = browser.findElement(By.id("sort-hint"));
        assertThat(hint.isDisplayed()).isTrue();
        assertThat(hint.getText()).contains("Rising needs history", "same as Downloads");
        Browser.screenshot(browser, "first-use-rising-hint");
    }

    @Test
    void should_label_the_downloads_chart_with_exact_values_and_dates() {
        browser.findElement(By.cssSelector(".card[data-id='studio0/lora-0'] button[data-act='detail']")).click();
        WebElement chart = await().atMost(Duration.ofSeconds(10)).until(
                () -> browser.findElements(By.cssSelector("#detail svg.chart")), l -> !l.isEmpty()).get(0);

        assertThat(chart.findElement(By.cssSelector(".axis-value.max")).getText().replaceAll("\\D", ""))
                .isEqualTo("210000");
        assertThat(chart.findElement(By.cssSelector(".axis-value.min")).getText().replaceAll("\\D", ""))
                .isEqualTo("200000");
        assertThat(chart.findElement(By.cssSelector(".axis-time.first")).getText()).isNotBlank();
        assertThat(chart.findElement(By.cssSelector(".axis-time.last")).getText()).isNotBlank();
        assertThat(chart.findElements(By.cssSelector("circle title"))).hasSize(3);
        Browser.screenshot(browser, "first-use-chart");
        js("document.querySelector('#detail').close()");
    }
}
