package dev.toploras.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.runs.RunHandle;
import dev.toploras.runs.RunKind;
import dev.toploras.runs.RunStore;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import dev.toploras.support.Images;
import dev.toploras.support.Listings;
import dev.toploras.support.Stubs;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Black-box HTTP tests of `serve`: the catalog, runs, assets and system endpoints, WireMock behind them. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CatalogApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] PNG = Images.png(40, 30);
    static WireMockServer wm;
    static TopLorasRuntime runtime;
    static Http http;
    static Path home;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        wm = Stubs.wireMock();
        home = dir;
        Stubs.Served served = Stubs.serve(dir, Map.of(
                "modelscope.base-url", "http://localhost:" + wm.port(),
                "modelscope.cover-hosts", "localhost",
                "api.max-body-bytes", "4096"));
        runtime = served.runtime();
        http = served.http();
        String cover = "http://localhost:" + wm.port() + "/c/";
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ObjectNode r = Listings.lora("team" + (i % 3), "lora-" + i, 1000 - i * 10, cover + i + ".png");
            r.put("Stars", i);
            if (i % 2 == 0) {
                r.putArray("BaseModel").add("AI-ModelScope/FLUX.1-dev");
            }
            r.putArray("Tags").add("LoRA").add(i % 4 == 0 ? "anime" : "photo");
            records.add(r);
        }
        wm.stubFor(put(urlPathEqualTo("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(12, records))));
        for (int i = 0; i < 12; i++) {
            wm.stubFor(get(urlPathEqualTo("/c/" + i + ".png")).willReturn(i == 5 ? aResponse().withStatus(404)
                    : aResponse().withHeader("Content-Type", "image/png").withBody(PNG)));
        }
    }

    @AfterAll
    static void stop() {
        runtime.close();
        wm.stop();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static JsonNode awaitRunEnd(String runId) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode run = json(http.get("/api/v1/runs/" + runId));
            return "running".equals(run.get("state").asText()) ? null : run;
        }, r -> r != null);
    }

    @Test
    @Order(1)
    void should_answer_404_with_a_hint_before_anything_is_cached() throws Exception {
        HttpResponse<String> r = http.get("/api/v1/models");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("not_found");
        assertThat(json(r).at("/error/message").asText()).contains("POST /api/v1/refresh");
    }

    @Test
    @Order(2)
    void should_run_a_refresh_and_report_items_warnings_and_events() throws Exception {
        HttpResponse<String> accepted = http.post("/api/v1/refresh?task=text-to-image-synthesis", "");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String runId = json(accepted).get("run_id").asText();
        assertThat(accepted.headers().firstValue("Location")).contains("/api/v1/runs/" + runId);

        JsonNode run = awaitRunEnd(runId);

        assertThat(run.get("state").asText()).isEqualTo("completed_with_warnings");
        assertThat(run.at("/counts/items").asInt()).isEqualTo(12);
        JsonNode warned = json(http.get("/api/v1/runs/" + runId + "/items?has_warning=true"));
        assertThat(warned.get("items")).hasSize(1);
        assertThat(warned.at("/items/0/label").asText()).isEqualTo("team2/lora-5");
        String itemId = warned.at("/items/0/item_id").asText();
        JsonNode item = json(http.get("/api/v1/runs/" + runId + "/items/" + itemId));
        List<String> stages = new ArrayList<>();
        item.get("events").forEach(e -> stages.add(e.get("stage").asText()));
        assertThat(stages).containsExactly("fetch", "cover", "cover", "done");
        JsonNode page = json(http.get("/api/v1/runs/" + runId + "/items?limit=5"));
        assertThat(page.get("items")).hasSize(5);
        assertThat(page.get("next_cursor").asText()).isNotBlank();
        assertThat(http.get("/api/v1/runs/" + runId + "/items/nope").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void should_list_models_with_filters_sort_and_cursor_paging() throws Exception {
        // a leaderboard in another order (fetch --sort likes) is the same task, not a task of its own
        Path cache = home.resolve("cache/top_loras_text-to-image-synthesis.json");
        Files.copy(cache, cache.resolveSibling("top_loras_text-to-image-synthesis.likes.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        JsonNode all = json(http.get("/api/v1/models?sort=downloads&limit=5"));
        assertThat(all.get("total").asInt()).isEqualTo(12);
        assertThat(all.get("stale").asBoolean()).isFalse();
        assertThat(all.get("available_tasks")).extracting(JsonNode::asText).containsExactly("text-to-image-synthesis");
        Set<String> seen = new HashSet<>();
        String cursor = null;
        List<Long> downloads = new ArrayList<>();
        do {
            JsonNode page = json(http.get("/api/v1/models?sort=downloads&limit=5"
                    + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("results").forEach(r -> {
                assertThat(seen.add(r.get("id").asText())).isTrue();
                downloads.add(r.get("downloads").asLong());
            });
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(seen).hasSize(12);
        assertThat(downloads).isSortedAccordingTo((a, b) -> Long.compare(b, a));

        JsonNode likes = json(http.get("/api/v1/models?sort=likes&limit=1"));
        assertThat(likes.at("/results/0/id").asText()).isEqualTo("team2/lora-11");
        assertThat(json(http.get("/api/v1/models?q=LORA-1")).get("total").asInt()).isEqualTo(3);
        assertThat(json(http.get("/api/v1/models?base_model=ai-modelscope/flux.1-dev")).get("total").asInt())
                .isEqualTo(6);
        assertThat(json(http.get("/api/v1/models?tag=anime")).get("total").asInt()).isEqualTo(3);
        JsonNode first = json(http.get("/api/v1/models?limit=1")).at("/results/0");
        assertThat(first.get("cover_local").asText()).startsWith("/assets/covers/text-to-image-synthesis/");
    }

    @Test
    @Order(4)
    void should_reject_bad_query_values_with_the_field_named() throws Exception {
        HttpResponse<String> limit = http.get("/api/v1/models?limit=0");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(json(limit).at("/error/details/field").asText()).isEqualTo("limit");
        HttpResponse<String> cursor = http.get("/api/v1/models?cursor=garbage!!");
        assertThat(cursor.statusCode()).isEqualTo(400);
        assertThat(json(cursor).at("/error/code").asText()).isEqualTo("invalid_request");
        assertThat(http.get("/api/v1/models?sort=popular").statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/runs?state=sleeping").statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/models?task=unknown-task").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void should_serve_covers_byte_exact_with_caching_headers() throws Exception {
        String url = json(http.get("/api/v1/models?limit=1")).at("/results/0/cover_local").asText();
        HttpResponse<byte[]> r = http.getBytes(url);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(PNG);
        assertThat(r.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(r.headers().firstValue("Cache-Control")).isPresent();
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertThat(http.getBytes(url, "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    @Order(6)
    void should_reach_nothing_outside_the_asset_folders() throws Exception {
        Files.writeString(home.resolve("secret.txt"), "top secret");
        Path outside = Files.createTempFile("outside", ".png");
        Files.write(outside, PNG);
        Path images = home.resolve("cache/images");
        Files.createSymbolicLink(images.resolve("link.png"), outside);
        for (String path : List.of("/assets/covers/../../secret.txt", "/assets/covers/%2e%2e/%2e%2e/secret.txt",
                "/assets/covers/%2E%2E%2F%2E%2E%2Fsecret.txt", "/assets/covers//etc/passwd",
                "/assets/covers/..%5c..%5csecret.txt", "/assets/covers/link.png", "/assets/outputs/../../secret.txt",
                "/assets/covers/", "/secret.txt", "/cache/top_loras_text-to-image-synthesis.json")) {
            HttpResponse<String> r = http.send(http.request(path).GET().build());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("top secret").doesNotContain("root:");
        }
    }

    @Test
    @Order(7)
    void should_page_runs_stably_while_new_runs_arrive() throws Exception {
        RunStore store = runtime.bean("runStore", RunStore.class);
        for (int i = 0; i < 7; i++) {
            store.start(RunKind.BATCH, Map.of("n", i), null).finish(null);
        }
        Set<String> before = new HashSet<>();
        json(http.get("/api/v1/runs?limit=500")).get("runs").forEach(r -> before.add(r.get("run_id").asText()));
        List<String> walked = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json(http.get("/api/v1/runs?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("runs").forEach(r -> walked.add(r.get("run_id").asText()));
            RunHandle newcomer = store.start(RunKind.BATCH, Map.of("late", true), null);
            newcomer.finish(null);
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(new HashSet<>(walked)).containsAll(before);
        assertThat(walked).doesNotHaveDuplicates();
        assertThat(json(http.get("/api/v1/runs?kind=refresh")).get("runs")).hasSize(1);
        assertThat(json(http.get("/api/v1/runs?state=completed&kind=batch")).get("total").asInt()).isGreaterThan(7);
    }

    @Test
    @Order(8)
    void should_echo_no_request_or_camel_headers() {
        HttpResponse<String> r = http.get("/api/v1/models?limit=1", "X-Secret", "s3cr3t", "X-ModelScope-Token",
                "ms-tok-123", "Authorization", "Bearer abc");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().map().keySet()).allSatisfy(h -> assertThat(h.toLowerCase())
                .isIn("content-type", "content-length", "cache-control", "etag", "last-modified", "location",
                        "transfer-encoding", "connection"));
        assertThat(r.headers().map().toString()).doesNotContain("s3cr3t", "ms-tok-123", "abc");
    }

    @Test
    @Order(9)
    void should_refuse_bodies_over_the_cap() throws Exception {
        HttpResponse<String> r = http.post("/api/v1/refresh", "x".repeat(10_000));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("payload_too_large");
    }

    @Test
    @Order(10)
    void should_report_health_metrics_and_openapi() throws Exception {
        JsonNode health = json(http.get("/api/health"));
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.at("/last_refresh/kind").asText()).isEqualTo("refresh");
        assertThat(health.at("/modelscope/reachable").asBoolean()).isTrue();
        HttpResponse<String> metrics = http.get("/api/metrics");
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(metrics.body()).contains("top_loras_up 1", "top_loras_runs{kind=\"refresh\",state=\"completed_with_warnings\"} 1");
        JsonNode openapi = json(http.get("/api/openapi.json"));
        assertThat(openapi.get("paths").has("/api/v1/models")).isTrue();
        assertThat(openapi.get("paths").has("/api/v1/runs/{run_id}/items/{item_id}")).isTrue();
        HttpResponse<String> unknown = http.get("/api/v1/nothing-here");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).at("/error/code").asText()).isEqualTo("not_found");
    }

    @Test
    @Order(11)
    void should_conflict_when_a_refresh_of_the_task_is_already_running() throws Exception {
        wm.stubFor(put(urlPathEqualTo("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(0, List.of()))
                .withFixedDelay(1500)));
        HttpResponse<String> first = http.post("/api/v1/refresh", "");
        assertThat(first.statusCode()).isEqualTo(202);
        HttpResponse<String> second = http.post("/api/v1/refresh", "");
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second).at("/error/details/run_id").asText()).isEqualTo(json(first).get("run_id").asText());
        awaitRunEnd(json(first).get("run_id").asText());
    }
}
