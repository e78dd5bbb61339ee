package dev.toploras.web;

import static dev.toploras.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toploras.support.Listings;
import dev.toploras.support.ServedPage;
import dev.toploras.support.StartupRefreshSetting;
import dev.toploras.support.Stubs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page opened while `serve`'s start-up refresh runs, when that refresh ends between the page's first look at the
 * leaderboard (nothing cached yet) and its look for a running refresh. The page used to find no running refresh and
 * stay at "Nothing cached" until reloaded by hand; DemoTest met it once after the process tests moved to the packaged
 * jar, whose faster start made the window likelier. The page is served through a proxy that holds its look at the runs
 * until the refresh has ended, so the order is fixed, not left to timing.
 */
class WebStartupRaceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final CountDownLatch LISTING = new CountDownLatch(1);
    static final CountDownLatch RUNS = new CountDownLatch(1);
    static final CountDownLatch RUNS_ASKED = new CountDownLatch(1);
    static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "upgrade", "keep-alive");
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static HttpServer modelScope;
    static HttpServer proxy;
    static byte[] listingPage;
    static ServedPage page;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        StartupRefreshSetting.lift();
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            records.add(Listings.lora("team" + i, "lora-" + i, 1000 - i * 10, null));
        }
        listingPage = Listings.page(4, records).getBytes(StandardCharsets.UTF_8);
        modelScope = Stubs.jdkServer("held-listing");
        modelScope.createContext("/api/v1/dolphin/models", Stubs.heldListing(listingPage, LISTING,
                new AtomicInteger()));
        modelScope.start();
        page = ServedPage.start(dir, Map.of(
                "catalog.refresh-on-start", "true",
                "catalog.refresh-on-start-delay", "0",
                "catalog.refresh-cron", "0 0 0 1 1 ? 2099",
                "modelscope.base-url", "http://127.0.0.1:" + modelScope.getAddress().getPort(),
                "http.timeout", "40s"));
        proxy = Stubs.jdkServer("page-proxy");
        proxy.createContext("/", WebStartupRaceTest::forward);
        proxy.start();
    }

    @AfterAll
    static void stop() {
        LISTING.countDown();
        RUNS.countDown();
        try {
            ServedPage.close(page);
        } finally {
            if (proxy != null) {
                proxy.stop(0);
            }
            modelScope.stop(0);
            StartupRefreshSetting.putBack();
        }
    }

    /** The runtime's reply as it is, except that the page's looks at the runs wait for the test. */
    static void forward(HttpExchange x) throws IOException {
        try (x) {
            byte[] body = x.getRequestBody().readAllBytes();
            if (x.getRequestURI().getPath().equals("/api/v1/runs")) {
                RUNS_ASKED.countDown();
                awaitLatch(RUNS);
            }
            HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(page.http().base() + x.getRequestURI()))
                    .method(x.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            x.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> out.header(name, v));
                }
            });
            HttpResponse<byte[]> reply = CLIENT.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            reply.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    x.getResponseHeaders().put(name, values);
                }
            });
            x.sendResponseHeaders(reply.statusCode(), reply.body().length == 0 ? -1 : reply.body().length);
            x.getResponseBody().write(reply.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void should_show_the_cards_when_the_start_up_refresh_ends_between_the_pages_first_two_looks() throws Exception {
        ChromeDriver browser = page.browser();
        browser.get("http://127.0.0.1:" + proxy.getAddress().getPort() + "/");
        // The page has found nothing cached and now asks for the runs: let the refresh end before it hears back.
        assertThat(RUNS_ASKED.await(20, TimeUnit.SECONDS)).as("the page asked for the runs").isTrue();
        assertThat(browser.findElements(By.cssSelector(".card"))).isEmpty();
        LISTING.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(page.http().get("/api/v1/runs?kind=refresh")
                .body()).path("runs").path(0).path("state").asText().startsWith("completed"));
        RUNS.countDown();

        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElements(By.cssSelector(".card")).size() == 4);
    }
}
