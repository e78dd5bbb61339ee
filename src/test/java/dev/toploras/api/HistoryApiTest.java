package dev.toploras.api;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.HistoryFixture;
import dev.toploras.support.Http;
import dev.toploras.support.Listings;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box HTTP: a refresh over two earlier snapshots, then the leaderboard's history fields, sort=trending and one
 * model's series at /api/v1/models/{owner}/{name}/history.
 */
class HistoryApiTest {
    static final String TASK = "text-to-image-synthesis";
    static final String F2P = "DiffSynth-Studio/Qwen-Image-Edit-F2P";
    static final ObjectMapper JSON = new ObjectMapper();
    static WireMockServer wm;
    static TopLorasRuntime runtime;
    static Http http;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        Instant now = Instant.now();
        HistoryFixture.snapshot(dir, TASK, now.minus(Duration.ofDays(3)), "downloads",
                "big/steady", 5000, 10, F2P, 1000, 3);
        HistoryFixture.snapshot(dir, TASK, now.minus(Duration.ofDays(1)), "downloads",
                "big/steady", 5100, 10, F2P, 1500, 4);
        wm.stubFor(put(urlPathEqualTo("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(3, List.of(
                Listings.lora("fresh", "new", 7000, null),
                Listings.lora("DiffSynth-Studio", "Qwen-Image-Edit-F2P", 6000, null),
                Listings.lora("big", "steady", 5200, null))))));
        int port = Http.freePort();
        runtime = TopLorasRuntime.start(new Home(dir), Map.of(
                "runtime.serve", "true",
                "server.port", String.valueOf(port),
                "modelscope.base-url", "http://localhost:" + wm.port(),
                "retries.initial-delay", "10"), Optional::empty, Clock.systemUTC());
        http = new Http(port);
        String runId = json(http.post("/api/v1/refresh?task=" + TASK, "")).get("run_id").asText();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> json(http.get("/api/v1/runs/" + runId)).get("state").asText(), s -> !"running".equals(s));
    }

    @AfterAll
    static void stop() {
        runtime.close();
        wm.stop();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void should_carry_rank_changes_deltas_velocity_and_newness_in_models() throws Exception {
        JsonNode page = json(http.get("/api/v1/models?sort=downloads"));
        Map<String, JsonNode> byId = new HashMap<>();
        page.get("results").forEach(r -> byId.put(r.get("id").asText(), r));
        JsonNode f2p = byId.get(F2P);
        assertThat(f2p.get("rank").asInt()).isEqualTo(2);
        assertThat(f2p.get("rank_change").asInt()).isZero();
        assertThat(f2p.get("downloads_delta").asLong()).isEqualTo(4500);
        assertThat(f2p.get("downloads_per_day").asDouble()).isCloseTo(1666.67, org.assertj.core.data.Offset.offset(1.0));
        assertThat(f2p.get("is_new").asBoolean()).isFalse();
        JsonNode steady = byId.get("big/steady");
        assertThat(steady.get("rank_change").asInt()).as("fell from 1 to 3").isEqualTo(-2);
        JsonNode fresh = byId.get("fresh/new");
        assertThat(fresh.get("is_new").asBoolean()).isTrue();
        for (String f : List.of("rank_change", "downloads_delta", "likes_delta", "downloads_per_day")) {
            assertThat(fresh.has(f) && fresh.get(f).isNull()).as(f + " is sent as null: unknown").isTrue();
        }
    }

    @Test
    void should_sort_by_downloads_per_day_with_unknown_last() throws Exception {
        JsonNode page = json(http.get("/api/v1/models?sort=trending"));
        List<String> ids = new ArrayList<>();
        page.get("results").forEach(r -> ids.add(r.get("id").asText()));
        assertThat(ids).containsExactly(F2P, "big/steady", "fresh/new");
        JsonNode first = json(http.get("/api/v1/models?sort=trending&limit=1"));
        JsonNode next = json(http.get("/api/v1/models?sort=trending&limit=1&cursor=" + first.get("next_cursor").asText()));
        assertThat(next.at("/results/0/id").asText()).isEqualTo("big/steady");
    }

    @Test
    void should_serve_one_models_series_with_its_id_as_two_path_segments() throws Exception {
        HttpResponse<String> r = http.get("/api/v1/models/" + F2P + "/history?task=" + TASK);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("id").asText()).isEqualTo(F2P);
        JsonNode series = body.get("series");
        assertThat(series).hasSize(3);
        assertThat(series.get(0).get("downloads").asLong()).isEqualTo(1000);
        assertThat(series.get(2).get("downloads").asLong()).isEqualTo(6000);
        assertThat(series.get(2).get("rank").asInt()).isEqualTo(2);
        assertThat(series.get(2).get("likes").asLong()).isEqualTo(3);
        assertThat(series.get(0).get("at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");

        assertThat(http.get("/api/v1/models/fresh/new/history").statusCode()).as("default task").isEqualTo(200);
        HttpResponse<String> encoded = http.get("/api/v1/models/DiffSynth-Studio%2FQwen-Image-Edit-F2P/history?task=" + TASK);
        assertThat(encoded.statusCode()).as("one encoded segment is not a route: the id's '/' is the path's own")
                .isEqualTo(404);
        HttpResponse<String> unknown = http.get("/api/v1/models/nobody/nothing/history");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).at("/error/code").asText()).isEqualTo("not_found");
    }
}
