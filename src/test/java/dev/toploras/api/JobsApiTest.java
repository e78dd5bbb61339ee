package dev.toploras.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Black-box HTTP tests of the job endpoints and their live events, ModelScope API-Inference as WireMock. */
class JobsApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REQUEST_TOKEN = "req-tok-8c1f";
    static WireMockServer wm;
    static TopLorasRuntime runtime;
    static Http http;
    static Path home;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        wm = Stubs.wireMock();
        home = dir;
        Stubs.Served served = Stubs.serve(dir, Map.of(
                "modelscope.inference-url", wm.baseUrl(),
                "generation.poll-interval", "50"));
        runtime = served.runtime();
        http = served.http();
    }

    @AfterAll
    static void stop() {
        runtime.close();
        wm.stop();
    }

    static ObjectNode job(String jobId, String backend) {
        ObjectNode j = JSON.createObjectNode();
        if (jobId != null) {
            j.put("job_id", jobId);
        }
        j.put("task", "text-to-image-synthesis");
        j.put("model_id", "Qwen/Qwen-Image");
        j.putObject("loras").put("DiffSynth-Studio/Qwen-Image-Edit-F2P", 1.0);
        ObjectNode p = j.putObject("params");
        p.put("prompt", "A golden cat");
        p.put("size", "256x192");
        p.put("seed", 7);
        j.put("backend", backend);
        return j;
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static JsonNode awaitStatus(String jobId, String status) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> json(http.get("/api/v1/generate/" + jobId)), j -> status.equals(j.path("status").asText()));
    }

    /** Reads a whole SSE stream (it closes after the terminal event) into [id, event, data] triples. */
    static List<String[]> readEvents(String jobId, String lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/generate/" + jobId + "/events"))
                .timeout(Duration.ofSeconds(20)).GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String[]> out = new ArrayList<>();
        String[] cur = new String[3];
        for (String line : (Iterable<String>) r.body()::iterator) {
            if (line.startsWith("id: ")) {
                cur[0] = line.substring(4);
            } else if (line.startsWith("event: ")) {
                cur[1] = line.substring(7);
            } else if (line.startsWith("data: ")) {
                cur[2] = line.substring(6);
            } else if (line.isEmpty() && cur[0] != null) {
                out.add(cur);
                cur = new String[3];
            }
        }
        return out;
    }

    @Test
    void should_run_a_job_posted_over_http_and_stream_its_events_to_the_end() throws Exception {
        HttpResponse<String> r = http.post("/api/v1/generate", job("http-1", "local").toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(json(r).get("job_id").asText()).isEqualTo("http-1");
        assertThat(json(r).get("status").asText()).isIn("queued", "running", "succeeded");

        List<String[]> events = readEvents("http-1", null);

        assertThat(events).extracting(e -> e[1]).startsWith("status").endsWith("done").contains("asset");
        List<Long> ids = events.stream().map(e -> Long.parseLong(e[0])).toList();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        JsonNode last = JSON.readTree(events.get(events.size() - 1)[2]);
        assertThat(last.get("job_id").asText()).isEqualTo("http-1");
        assertThat(last.get("progress").asInt()).isEqualTo(100);
        assertThat(last.has("ts") && last.has("stage") && last.has("message") && last.has("payload")).isTrue();

        JsonNode doc = json(http.get("/api/v1/generate/http-1"));
        assertThat(doc.get("status").asText()).isEqualTo("succeeded");
        assertThat(doc.get("progress").asInt()).isEqualTo(100);
        assertThat(doc.get("log")).isNotEmpty();
        String asset = doc.at("/result/0/data/asset_url").asText();
        HttpResponse<byte[]> img = http.getBytes(asset);
        assertThat(img.statusCode()).isEqualTo(200);
        assertThat(img.body()).isEqualTo(Files.readAllBytes(home.resolve(doc.at("/result/0/data/url").asText())));
        assertThat(Images.isPng(img.body())).isTrue();
    }

    @Test
    void should_replay_only_what_a_reconnecting_client_missed() throws Exception {
        http.post("/api/v1/generate", job("http-2", "local").toString());
        awaitStatus("http-2", "succeeded");
        List<String[]> all = readEvents("http-2", null);

        List<String[]> rest = readEvents("http-2", all.get(2)[0]);

        assertThat(rest).extracting(e -> e[0]).containsExactlyElementsOf(
                all.subList(3, all.size()).stream().map(e -> e[0]).toList());
        assertThat(http.get("/api/v1/generate/nope/events").statusCode()).isEqualTo(404);
    }

    @Test
    void should_answer_a_waiting_caller_with_the_result_envelope() throws Exception {
        HttpResponse<String> r = http.post("/api/v1/generate?wait=20", job(null, "local").toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode env = json(r);
        assertThat(env.get("ok").asBoolean()).isTrue();
        assertThat(env.get("jobId").asText()).isNotBlank();
        assertThat(env.at("/outputs/finalUrl").asText()).startsWith("/assets/outputs/text-to-image-synthesis/");
        assertThat(env.at("/timing/totalMs").isNumber()).isTrue();
        assertThat(env.get("notes").isArray()).isTrue();
    }

    @Test
    void should_reject_bad_requests_with_the_field_and_store_nothing() throws Exception {
        ObjectNode unknown = job("bad-1", "local");
        unknown.put("api_token", "x");
        ObjectNode traversal = job("bad-2", "local");
        traversal.put("task", "../x");
        ObjectNode longPrompt = job("bad-3", "local");
        ((ObjectNode) longPrompt.get("params")).put("prompt", "x".repeat(5000));
        // ModelScope's weight rule: a job it may run (auto) must sum to 1.0; a local one applies weights as given
        ObjectNode weights = job("bad-4", "auto");
        weights.putObject("loras").put("a/b", 0.5).put("c/d", 0.2);
        for (ObjectNode bad : List.of(unknown, traversal, longPrompt, weights)) {
            HttpResponse<String> r = http.post("/api/v1/generate", bad.toString());
            assertThat(r.statusCode()).as(bad.toString().substring(0, 40)).isEqualTo(400);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("invalid_request");
            assertThat(json(r).at("/error/message").asText()).isNotBlank();
        }
        assertThat(json(http.post("/api/v1/generate", "{not json")).at("/error/code").asText())
                .isEqualTo("invalid_request");
        assertThat(http.get("/api/v1/generate/bad-1").statusCode()).isEqualTo(404);
        assertThat(http.get("/api/v1/generate/..%2F..%2Fsecret").statusCode()).isEqualTo(404);
    }

    @Test
    void should_use_a_request_token_for_that_job_only_and_never_keep_it() throws Exception {
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations"))
                .withHeader("Authorization", equalTo("Bearer " + REQUEST_TOKEN))
                .willReturn(okJson("{\"task_status\":\"SUCCEED\",\"task_id\":\"t-req\",\"request_id\":\"r\"}")));
        wm.stubFor(get(urlPathEqualTo("/v1/tasks/t-req")).willReturn(okJson("{\"task_status\":\"SUCCEED\","
                + "\"output_images\":[\"" + wm.baseUrl() + "/img/out.png\"]}")));
        wm.stubFor(get(urlPathEqualTo("/img/out.png")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(Images.png(16, 16))));

        HttpResponse<String> r = http.post("/api/v1/generate", job("tok-1", "auto").toString(),
                "X-ModelScope-Token", REQUEST_TOKEN);
        assertThat(r.headers().map().toString()).doesNotContain(REQUEST_TOKEN);
        JsonNode remote = awaitStatus("tok-1", "succeeded");
        http.post("/api/v1/generate", job("tok-2", "auto").toString());
        JsonNode local = awaitStatus("tok-2", "succeeded");

        assertThat(remote.at("/meta/backend").asText()).isEqualTo("remote");
        assertThat(local.at("/meta/backend").asText()).isNotEqualTo("remote");
        assertThat(local.at("/meta/notes/0/code").asText()).isEqualTo("FALLBACK_LOCAL");
        assertThat(wm.findAll(anyRequestedFor(urlPathEqualTo("/img/out.png"))).get(0).containsHeader("Authorization"))
                .isFalse();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                try {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                            .doesNotContain(REQUEST_TOKEN);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a temp file that completed its rename meanwhile
                }
            }
        }
        assertThat(wm.findAll(anyRequestedFor(anyUrl())).stream().filter(q -> q.containsHeader("Authorization")))
                .allMatch(q -> q.getUrl().startsWith("/v1/"));
    }

    @Test
    void should_cancel_once_and_refuse_to_cancel_a_finished_job() throws Exception {
        // A remote job that stays RUNNING until cancelled (the token makes it go remote).
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations")).withHeader("Authorization", equalTo("Bearer slow"))
                .willReturn(okJson("{\"task_status\":\"SUCCEED\",\"task_id\":\"t-slow\"}")));
        wm.stubFor(get(urlPathEqualTo("/v1/tasks/t-slow")).willReturn(okJson("{\"task_status\":\"RUNNING\"}")));
        http.post("/api/v1/generate", job("can-1", "remote").toString(), "X-ModelScope-Token", "slow");
        await().atMost(Duration.ofSeconds(10)).until(() -> json(http.get("/api/v1/generate/can-1")).path("log")
                .toString().contains("accepted the job"));

        HttpResponse<String> first = http.post("/api/v1/generate/can-1/cancel", "");
        HttpResponse<String> again = http.post("/api/v1/generate/can-1/cancel", "");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        awaitStatus("can-1", "cancelled");
        assertThat(http.post("/api/v1/generate/can-1/cancel", "").statusCode()).isEqualTo(200);

        http.post("/api/v1/generate", job("can-2", "local").toString());
        awaitStatus("can-2", "succeeded");
        HttpResponse<String> late = http.post("/api/v1/generate/can-2/cancel", "");
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(json(late).at("/error/code").asText()).isEqualTo("conflict");
        assertThat(http.post("/api/v1/generate/none/cancel", "").statusCode()).isEqualTo(404);
    }

    @Test
    void should_page_jobs_newest_first_and_stably_while_jobs_arrive() throws Exception {
        for (int i = 0; i < 6; i++) {
            http.post("/api/v1/generate", job("page-" + i, "local").toString());
        }
        Set<String> before = new HashSet<>();
        json(http.get("/api/v1/jobs?limit=500")).get("jobs").forEach(j -> before.add(j.get("job_id").asText()));
        List<String> walked = new ArrayList<>();
        String cursor = null;
        int n = 0;
        do {
            JsonNode page = json(http.get("/api/v1/jobs?limit=4" + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("jobs").forEach(j -> walked.add(j.get("job_id").asText()));
            http.post("/api/v1/generate", job("late-" + n++, "local").toString());
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(walked).doesNotHaveDuplicates();
        assertThat(new HashSet<>(walked)).containsAll(before);
        assertThat(json(http.get("/api/v1/jobs?q=page-3")).at("/jobs/0/job_id").asText()).isEqualTo("page-3");
        assertThat(http.get("/api/v1/jobs?status=done").statusCode()).isEqualTo(400);
    }

    @Test
    void should_run_a_batch_as_a_run_whose_items_are_jobs() throws Exception {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("task", "text-to-image-synthesis");
        batch.put("model_id", "Qwen/Qwen-Image");
        batch.put("backend", "local");
        batch.putObject("params").put("prompt", "compare me").put("size", "128x128");
        batch.putArray("items").add(JSON.createObjectNode().put("loras", "a/one"))
                .add(JSON.createObjectNode().put("loras", "b/two"))
                .add(JSON.createObjectNode().put("model_id", "MusePublic/FLUX.1-dev").put("loras", "c/three"));

        HttpResponse<String> r = http.post("/api/v1/batches", batch.toString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String runId = json(r).get("run_id").asText();
        assertThat(json(r).get("jobs")).hasSize(3);
        JsonNode run = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> json(http.get("/api/v1/runs/" + runId)), x -> !"running".equals(x.path("state").asText()));
        assertThat(run.get("kind").asText()).isEqualTo("batch");
        assertThat(run.get("state").asText()).isEqualTo("completed");
        JsonNode items = json(http.get("/api/v1/runs/" + runId + "/items")).get("items");
        assertThat(items).hasSize(3).allSatisfy(i -> assertThat(i.get("stage").asText()).isEqualTo("succeeded"));

        // the second item's weights do not sum to 1.0, which ModelScope refuses (auto may send it there)
        batch.put("backend", "auto");
        ((ObjectNode) batch.get("items").get(1)).putObject("loras").put("a/b", 0.3).put("c/d", 0.3);
        HttpResponse<String> bad = http.post("/api/v1/batches", batch.toString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).at("/error/details/item").asInt()).isEqualTo(1);
    }

    @Test
    void should_answer_every_one_of_many_concurrent_posts_and_finish_every_job() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 40).mapToObj(i -> client.sendAsync(
                http.request("/api/v1/generate").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(job("many-" + i, "local").toString())).build(),
                HttpResponse.BodyHandlers.ofString())).toList();
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            assertThat(c.get().statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> json(http.get("/api/v1/jobs?q=many-&status=succeeded"))
                .get("total").asInt() == 40);
    }
}
