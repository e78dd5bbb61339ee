package dev.toploras.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.Stubs;
import dev.toploras.support.Browser;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.Http;
import dev.toploras.support.Listings;
import dev.toploras.support.ServedPage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page against a runtime with an API key and nothing cached yet: it asks for the key, takes it from #key=, and
 * its Refresh button runs a refresh against WireMock-as-ModelScope, shows the run's progress, then the new cards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebRefreshTest {
    static final String KEY = "local-test-key";
    static WireMockServer wm;
    static ServedPage page;
    static Http http;
    static ChromeDriver browser;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        wm = Stubs.wireMock();
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            records.add(Listings.lora("team" + (i % 3), "lora-" + i, 1000 - i * 10,
                    "http://localhost:" + wm.port() + "/c/" + i + ".png"));
        }
        wm.stubFor(put(urlPathEqualTo("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(12, records))
                .withFixedDelay(300)));
        wm.stubFor(get(urlPathMatching("/c/.*")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(CatalogFixture.cover(1, 320, 180)).withFixedDelay(200)));
        page = ServedPage.start(dir, Map.of(
                "api.key", KEY,
                "modelscope.base-url", "http://localhost:" + wm.port(),
                "modelscope.cover-hosts", "localhost",
                "covers.concurrency", "2"));
        http = page.http();
        browser = page.browser();
    }

    @AfterAll
    static void stop() {
        try {
            ServedPage.close(page);
        } finally {
            wm.stop();
        }
    }

    static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    @Test
    @Order(1)
    void should_ask_for_the_api_key_when_the_runtime_wants_one() {
        browser.get(http.base() + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> text("problem").contains("needs its API key"));
        assertThat(browser.findElement(By.id("settings")).getAttribute("open")).isNotNull();
    }

    @Test
    @Order(2)
    void should_take_the_key_from_the_fragment_then_refresh_with_progress_and_show_the_new_cards() {
        browser.get(http.base() + "/#key=" + KEY);
        await().atMost(Duration.ofSeconds(10)).until(() -> text("summary").startsWith("Nothing cached"));
        assertThat(browser.getCurrentUrl()).doesNotContain(KEY);
        assertThat(browser.executeScript("return sessionStorage.getItem('toploras.apiKey')")).isEqualTo(KEY);

        browser.findElement(By.id("refresh")).click();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> text("refresh-status").startsWith("Refreshing: "));
        await().atMost(Duration.ofSeconds(20)).until(() -> text("refresh-status").startsWith("Refresh completed"));
        assertThat(text("refresh-status")).isEqualTo("Refresh completed: 12 / 12 done, 0 warnings");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector(".card")).size() == 12);
        assertThat(text("freshness")).matches("cached \\d+ s ago");
        // With a key an <img> cannot authenticate, so covers come through fetch (with the key) as blob: URLs, when
        // they come near the viewport.
        Browser.screenshot(browser, "after-refresh");
        browser.executeScript("window.scrollTo(0, document.body.scrollHeight)");
        await().atMost(Duration.ofSeconds(10)).until(() -> (Boolean) browser.executeScript(
                "const imgs = [...document.querySelectorAll('.card .cover img')];"
                        + "return imgs.length === 12 && imgs.every(i => i.complete && i.naturalWidth > 0"
                        + " && i.src.startsWith('blob:') && i.dataset.src.startsWith('/assets/covers/'))"));
    }
}
