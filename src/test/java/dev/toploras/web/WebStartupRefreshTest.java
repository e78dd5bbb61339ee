package dev.toploras.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpServer;
import dev.toploras.support.Browser;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.Listings;
import dev.toploras.support.ServedPage;
import dev.toploras.support.StartupRefreshSetting;
import dev.toploras.support.Stubs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * `serve` on a new home: the missing cache is refreshed once at start, in the background (no cron, no click), and
 * the page, opened while that runs, shows the run's progress and then the cards.
 */
class WebStartupRefreshTest {
    static WireMockServer wm;
    /** ModelScope's listing, held until the test has seen the run on the page (a fixed delay raced a slow browser). */
    static HttpServer listing;
    static final CountDownLatch SEEN = new CountDownLatch(1);
    static final AtomicInteger LISTING_CALLS = new AtomicInteger();
    static byte[] listingPage;
    static ServedPage page;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        StartupRefreshSetting.lift();
        wm = Stubs.wireMock();
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(Listings.lora("team" + i, "lora-" + i, 1000 - i * 10,
                    "http://localhost:" + wm.port() + "/c/" + i + ".png"));
        }
        listingPage = Listings.page(6, records).getBytes(StandardCharsets.UTF_8);
        listing = Stubs.jdkServer("held-listing");
        listing.createContext("/api/v1/dolphin/models", Stubs.heldListing(listingPage, SEEN, LISTING_CALLS));
        listing.start();
        wm.stubFor(get(urlPathMatching("/c/.*")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(CatalogFixture.cover(2, 320, 180)).withFixedDelay(300)));
        page = ServedPage.start(dir, Map.of(
                "catalog.refresh-on-start", "true",
                "catalog.refresh-on-start-delay", "0",
                "catalog.refresh-cron", "0 0 0 1 1 ? 2099",
                "modelscope.base-url", "http://127.0.0.1:" + listing.getAddress().getPort(),
                "modelscope.cover-hosts", "localhost",
                "http.timeout", "40s",
                "covers.concurrency", "1"));
    }

    @AfterAll
    static void stop() {
        try {
            SEEN.countDown();
            ServedPage.close(page);
        } finally {
            listing.stop(0);
            wm.stop();
            StartupRefreshSetting.putBack();
        }
    }

    @Test
    void should_refresh_a_missing_cache_at_start_and_show_the_runs_progress_on_the_page() {
        await().atMost(Duration.ofSeconds(20)).until(() -> LISTING_CALLS.get() > 0);
        ChromeDriver browser = page.browser();
        browser.get(page.http().base() + "/");

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> browser.findElement(By.id("refresh-status")).getText().startsWith("Refreshing: "));
        assertThat(browser.findElement(By.id("summary")).getText()).startsWith("Fetching the leaderboard");
        Browser.screenshot(browser, "startup-refresh-running");
        SEEN.countDown();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> browser.findElements(By.cssSelector(".card")).size() == 6);
        assertThat(browser.findElement(By.id("refresh-status")).getText()).startsWith("Refresh completed");
        Browser.screenshot(browser, "startup-refresh-done");
        assertThat(LISTING_CALLS.get()).isEqualTo(1);
    }
}
