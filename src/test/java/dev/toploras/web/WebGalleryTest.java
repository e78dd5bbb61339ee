package dev.toploras.web;

import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.support.Browser;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.Http;
import dev.toploras.support.ServedPage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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

/** The web gallery in a real headless Chromium against `serve` with a cached catalog of 60 LoRAs. */
class WebGalleryTest {
    static final int RECORDS = 60;
    static ServedPage page;
    static Http http;
    static ChromeDriver browser;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        CatalogFixture.withHistory(dir, CatalogFixture.write(dir, RECORDS, 3 * 3600), 3 * 3600);
        page = ServedPage.start(dir, Map.of());
        http = page.http();
        browser = page.browser();
    }

    @AfterAll
    static void stop() {
        ServedPage.close(page);
    }

    @BeforeEach
    void open() {
        Browser.resize(browser, 1280, 900);
        browser.get(http.base() + "/");
        awaitCards();
    }

    static List<WebElement> awaitCards() {
        return await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#lora-gallery .card")),
                cards -> !cards.isEmpty());
    }

    static String summary() {
        return browser.findElement(By.id("summary")).getText();
    }

    static long columns() {
        return (Long) browser.executeScript("return getComputedStyle(document.getElementById('lora-gallery'))"
                + ".gridTemplateColumns.split(' ').length");
    }

    @Test
    void should_serve_the_page_and_its_files_from_the_classpath_only() {
        HttpResponse<String> page = http.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(30 * 1024);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("img-src 'self' https: blob:;");
        assertThat(page.body()).doesNotContain("data:image");
        assertThat(http.get("/web/app.js").headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
        assertThat(http.get("/web/app.css").headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
        for (String path : List.of("/web/../application.properties", "/web/%2e%2e/application.properties",
                "/web/nothing.js", "/application.properties", "/web/", "/pom.xml", "/cache/top_loras_"
                        + CatalogFixture.TASK + ".json", "/web/schemas/catalog-cache.schema.json", "/web/App.class")) {
            HttpResponse<String> r = http.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).as(path).contains("application/json; charset=utf-8");
        }
    }

    @Test
    void should_show_three_columns_at_1280_and_one_at_400() {
        assertThat(columns()).isEqualTo(3);
        Browser.fullPage(browser, "gallery-1280");
        Browser.resize(browser, 1000, 800);
        assertThat(columns()).isGreaterThanOrEqualTo(2);
        Browser.resize(browser, 400, 800);
        assertThat(columns()).isEqualTo(1);
        Browser.screenshot(browser, "gallery-400");
    }

    @Test
    void should_shimmer_a_cover_placeholder_a_few_times_not_endlessly() {
        // A lazy cover below the fold stays unloaded until it is scrolled to; an endless placeholder shimmer there kept
        // Chromium repainting for as long as the page stayed open. A placeholder as the page makes one, not yet loaded:
        String shimmer = (String) browser.executeScript("const c = document.createElement('div'); c.className = 'cover';"
                + "document.getElementById('lora-gallery').append(c); const s = getComputedStyle(c);"
                + "const r = s.animationName + ' ' + s.animationIterationCount; c.remove(); return r");
        assertThat(shimmer).matches("shimmer [1-9]");
        @SuppressWarnings("unchecked")
        List<String> endless = (List<String>) browser.executeScript("return document.getAnimations()"
                + ".filter(a => a.effect.getComputedTiming().iterations === Infinity).map(a => a.animationName)");
        assertThat(endless).isEmpty();
    }

    @Test
    void should_fill_every_card_and_load_covers_by_url_never_as_data() {
        List<WebElement> cards = awaitCards();
        assertThat(cards).hasSize(24);
        for (WebElement card : cards) {
            for (String part : List.of(".title-cn", ".title-en", ".author", ".downloads", ".likes", ".base", ".tags li",
                    ".avatar")) {
                assertThat(card.findElements(By.cssSelector(part))).as(part).isNotEmpty();
            }
        }
        // Sorted by downloads, record 9 (no cover) is on the first page: a placeholder, not an image.
        WebElement missing = browser.findElement(By.cssSelector(".card[data-id='studio2/lora-9'] .cover"));
        assertThat(missing.getAttribute("class")).contains("missing");
        assertThat(missing.findElements(By.tagName("img"))).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> (Boolean) browser.executeScript(
                "const first = [...document.querySelectorAll('.card .cover img')].slice(0, 8);"
                        + "return first.length === 8 && first.every(i => i.complete && i.naturalWidth > 0)"));
        @SuppressWarnings("unchecked")
        List<String> sources = (List<String>) browser.executeScript("return [...document.images].map(i => i.currentSrc || i.src)"
                + ".concat([...document.querySelectorAll('*')].map(e => getComputedStyle(e).backgroundImage)"
                + ".filter(b => b.includes('url(')))");
        assertThat(sources).isNotEmpty().allSatisfy(s -> assertThat(s).doesNotContain("data:"));
        assertThat(sources.stream().filter(s -> s.contains("/assets/covers/"))).isNotEmpty();
        Map<?, ?> box = (Map<?, ?>) browser.executeScript("const c = document.querySelector('.card .cover');"
                + "const i = c.querySelector('img'); const r = c.getBoundingClientRect();"
                + "return {ratio: r.width / r.height, fit: getComputedStyle(i).objectFit, lazy: i.loading}");
        assertThat(((Number) box.get("ratio")).doubleValue()).isCloseTo(16.0 / 9, org.assertj.core.data.Offset.offset(0.02));
        assertThat(box.get("fit")).isEqualTo("cover");
        List<WebElement> later = browser.findElements(By.cssSelector(".card:nth-child(n+9) .cover img"));
        assertThat(later).isNotEmpty().allSatisfy(i -> assertThat(i.getAttribute("loading")).isEqualTo("lazy"));
        assertThat(browser.findElement(By.id("freshness")).getText()).isEqualTo("Stale: cached 3 h ago");
    }

    @Test
    void should_narrow_the_grid_by_search_and_filters_and_page_through_the_rest() {
        assertThat(summary()).isEqualTo(RECORDS + " of " + RECORDS + " LoRAs");
        browser.findElement(By.id("q")).sendKeys("lora-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> summary().equals("11 of 60 LoRAs"));
        assertThat(awaitCards()).hasSize(11).allSatisfy(c -> assertThat(c.getAttribute("data-id")).contains("/lora-1"));
        browser.findElement(By.id("q")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        await().atMost(Duration.ofSeconds(5)).until(() -> summary().equals("60 of 60 LoRAs"));

        new Select(browser.findElement(By.id("f-base"))).selectByValue("Qwen/Qwen-Image");
        assertThat(summary()).isEqualTo("20 of 60 LoRAs");
        new Select(browser.findElement(By.id("f-tag"))).selectByValue("anime");
        assertThat(summary()).isEqualTo("5 of 60 LoRAs");
        assertThat(awaitCards()).extracting(c -> c.getAttribute("data-id"))
                .containsExactly("studio4/lora-4", "studio2/lora-16", "studio0/lora-28", "studio5/lora-40", "studio3/lora-52");
        new Select(browser.findElement(By.id("f-base"))).selectByValue("");
        new Select(browser.findElement(By.id("f-tag"))).selectByValue("");
        new Select(browser.findElement(By.id("f-vision"))).selectByValue("SD_XL");
        assertThat(summary()).isEqualTo("20 of 60 LoRAs");
        new Select(browser.findElement(By.id("sort"))).selectByValue("updated");
        assertThat(awaitCards().get(0).getAttribute("data-id")).isEqualTo("studio3/lora-59");

        new Select(browser.findElement(By.id("f-vision"))).selectByValue("");
        assertThat(browser.findElement(By.id("page-info")).getText()).isEqualTo("Page 1 of 3");
        browser.findElement(By.id("next")).click();
        assertThat(browser.findElement(By.id("page-info")).getText()).isEqualTo("Page 2 of 3");
        assertThat(awaitCards()).hasSize(24);
    }

    @Test
    void should_forget_a_typed_token_after_a_reload() {
        browser.findElement(By.cssSelector(".card button[data-act='generate']")).click();
        WebElement token = browser.findElement(By.id("ms-token"));
        token.sendKeys("ms-secret-token-123");
        assertThat(token.getAttribute("value")).isEqualTo("ms-secret-token-123");
        Browser.screenshot(browser, "studio");
        browser.navigate().refresh();
        awaitCards();
        browser.findElement(By.cssSelector(".card button[data-act='generate']")).click();
        assertThat(browser.findElement(By.id("ms-token")).getAttribute("value")).isEmpty();
        String stored = (String) browser.executeScript("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"
                + " + document.cookie");
        assertThat(stored).doesNotContain("ms-secret-token-123");
    }

    @Test
    void should_validate_with_the_api_ranges_and_explain_a_base_model_mismatch() {
        // Downloads order: the first card is lora-0, a FLUX LoRA.
        browser.findElement(By.cssSelector(".card[data-id='studio0/lora-0'] button[data-act='generate']")).click();
        WebElement submit = browser.findElement(By.id("gen-submit"));
        WebElement model = browser.findElement(By.name("model_id"));
        assertThat(model.getAttribute("value")).isEqualTo("black-forest-labs/FLUX.1-dev");
        assertThat(submit.isEnabled()).isTrue();

        WebElement steps = browser.findElement(By.name("steps"));
        steps.sendKeys(Keys.chord(Keys.CONTROL, "a"), "500");
        assertThat(browser.findElement(By.cssSelector(".field-error[data-for='steps']")).getText())
                .isEqualTo("Steps must be a whole number from 1 to 100.");
        assertThat(submit.isEnabled()).isFalse();
        steps.sendKeys(Keys.chord(Keys.CONTROL, "a"), "30");
        assertThat(submit.isEnabled()).isTrue();

        model.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Qwen/Qwen-Image");
        assertThat(submit.isEnabled()).isFalse();
        assertThat(browser.findElement(By.id("gen-reason")).getText())
                .isEqualTo("studio0/lora-0 is made for black-forest-labs/FLUX.1-dev, not Qwen/Qwen-Image: "
                        + "choose that model or another LoRA");
        Browser.screenshot(browser, "studio-mismatch");
    }

    @Test
    void should_open_details_and_compare_the_shortlist() {
        List<WebElement> cards = awaitCards();
        for (int i = 0; i < 3; i++) {
            cards.get(i).findElement(By.cssSelector("button[data-act='shortlist']")).click();
        }
        assertThat(browser.findElements(By.cssSelector("#shortlist-items li"))).hasSize(3);
        browser.findElement(By.id("compare-open")).click();
        assertThat(browser.findElements(By.cssSelector("#compare-body .compare-col"))).hasSize(3);
        Browser.screenshot(browser, "compare");
        browser.findElement(By.cssSelector("#compare .dialog-close button")).click();

        awaitCards().get(0).findElement(By.cssSelector("button[data-act='detail']")).click();
        String body = browser.findElement(By.id("detail-body")).getText();
        assertThat(body).contains("trig0 style", "black-forest-labs/FLUX.1-dev", "Apache License 2.0",
                "1024x1024, 28 steps, guidance 3.5");
        assertThat(browser.findElement(By.cssSelector("#detail-body a")).getAttribute("href"))
                .isEqualTo("https://www.modelscope.cn/models/studio0/lora-0");
        Browser.screenshot(browser, "detail");
    }

    @Test
    void should_badge_risers_fallers_and_new_entries_and_chart_downloads_in_details() {
        List<WebElement> cards = awaitCards();
        assertThat(cards.get(0).findElement(By.cssSelector(".trend.up")).getText()).isEqualTo("↑3");
        assertThat(cards.get(1).findElement(By.cssSelector(".trend.down")).getText()).isEqualTo("↓2");
        assertThat(cards.get(2).findElement(By.cssSelector(".trend.new")).getText()).isEqualToIgnoringCase("new");
        assertThat(cards.get(3).findElements(By.cssSelector(".trend"))).as("unchanged: no badge").isEmpty();
        Browser.screenshot(browser, "trend-badges");

        cards.get(0).findElement(By.cssSelector("button[data-act='detail']")).click();
        WebElement chart = await().atMost(Duration.ofSeconds(10)).until(
                () -> browser.findElements(By.cssSelector("#detail-body svg.chart")), l -> !l.isEmpty()).get(0);
        assertThat(chart.findElements(By.cssSelector("circle"))).hasSize(3);
        assertThat(chart.getAttribute("aria-label")).contains("3 refreshes");
        assertThat(browser.findElement(By.id("detail-body")).getText()).contains("↑3", "#1", "/ day");
        Browser.screenshot(browser, "detail-chart");
        browser.findElement(By.cssSelector("#detail .dialog-close button")).click();
    }

    @Test
    void should_show_the_fastest_risers_first_in_the_rising_view() {
        new Select(browser.findElement(By.id("sort"))).selectByValue("trending");
        await().atMost(Duration.ofSeconds(5)).until(() -> awaitCards().get(0).getAttribute("data-id"),
                id -> id.equals("studio5/lora-5"));
        assertThat(awaitCards().get(1).getAttribute("data-id")).isEqualTo("studio0/lora-0");
        new Select(browser.findElement(By.id("sort"))).selectByValue("downloads");
    }
}
