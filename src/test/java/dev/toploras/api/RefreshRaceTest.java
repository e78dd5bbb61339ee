package dev.toploras.api;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.Listings;
import dev.toploras.support.StartupRefreshSetting;
import dev.toploras.support.Stubs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A `serve` coming up on a home without a cache (as after kill -9 mid-refresh) starts a refresh of its own shortly
 * after start; a POST /refresh that arrives first must not get a second run of the same task beside it.
 */
class RefreshRaceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path home;
    WireMockServer wm;
    Stubs.Served served;

    @BeforeAll
    static void lift() {
        StartupRefreshSetting.lift();
    }

    @AfterAll
    static void restore() {
        StartupRefreshSetting.putBack();
    }

    @BeforeEach
    void start() throws Exception {
        wm = Stubs.wireMock();
        // slow enough that the start-up refresh fires while the API's refresh still runs
        wm.stubFor(put(urlPathEqualTo("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(0, List.of()))
                .withFixedDelay(5000)));
        served = Stubs.serve(home, Map.of(
                "modelscope.base-url", "http://localhost:" + wm.port(),
                "catalog.refresh-on-start", "true",
                "catalog.refresh-on-start-delay", "1500"));
    }

    @AfterEach
    void stop() {
        if (served != null) {
            served.runtime().close();
        }
        wm.stop();
    }

    @Test
    void should_run_one_refresh_of_the_task_when_post_refresh_comes_before_the_start_up_refresh() throws Exception {
        HttpResponse<String> posted = served.http().post("/api/v1/refresh", "");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String runId = JSON.readTree(posted.body()).get("run_id").asText();

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
                !"running".equals(JSON.readTree(served.http().get("/api/v1/runs/" + runId).body()).path("state")
                        .asText()));

        // the start-up refresh fired at 1.5 s (the listing answers after 5 s), while the API's run held the task:
        // it started nothing
        JsonNode runs = JSON.readTree(served.http().get("/api/v1/runs?kind=refresh").body()).get("runs");
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("run_id").asText()).isEqualTo(runId);
        wm.verify(1, putRequestedFor(urlPathEqualTo("/api/v1/dolphin/models")));
    }
}
