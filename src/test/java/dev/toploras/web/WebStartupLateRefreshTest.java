package dev.toploras.web;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.Listings;
import dev.toploras.support.ServedPage;
import dev.toploras.support.Stubs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page opened before `serve`'s start-up refresh has begun (it starts catalog.refresh-on-start-delay, half a
 * second, after the server): nothing is cached and no run exists yet. The page used to look for a run once, find
 * none and stay at "Nothing cached" until reloaded by hand; DemoTest failed once on it. Here the refresh is started
 * over the API (the same background route as the start-up one) after the page's first look has been answered, so the
 * order is fixed, not left to timing.
 */
class WebStartupLateRefreshTest {
    static WireMockServer wm;
    static ServedPage page;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        wm = Stubs.wireMock();
        List<ObjectNode> records = IntStream.range(0, 4)
                .mapToObj(i -> Listings.lora("team" + i, "lora-" + i, 1000 - i * 10, null)).toList();
        wm.stubFor(put(urlPathEqualTo("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(4, records))));
        page = ServedPage.start(dir, Map.of(
                "catalog.refresh-cron", "0 0 0 1 1 ? 2099",
                "modelscope.base-url", "http://localhost:" + wm.port()));
    }

    @AfterAll
    static void stop() {
        wm.stop(); // the refresh has ended by now: nothing calls ModelScope any more
        ServedPage.close(page);
    }

    @Test
    void should_show_the_cards_of_a_refresh_that_began_after_the_page_first_looked_for_one() {
        ChromeDriver browser = page.browser();
        browser.get(page.http().base() + "/");
        // the page's look for a running refresh has been answered (a resource timing entry exists once it has)
        await().atMost(Duration.ofSeconds(20)).until(() -> (Boolean) browser.executeScript(
                "return performance.getEntriesByType('resource').some((e) => e.name.includes('/api/v1/runs'))"));
        assertThat(browser.findElement(By.id("summary")).getText()).startsWith("Nothing cached");

        assertThat(page.http().post("/api/v1/refresh", "").statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElements(By.cssSelector(".card")).size() == 4);
    }
}
