package dev.toploras.api;

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
import dev.toploras.support.Stubs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inputs a hostile client or a careless script sent to a running `serve` (issue 9): each gets a 4xx in the error
 * shape, creates nothing, reaches nothing outside its folder, and leaves the API answering. One runtime for all.
 */
class HostileInputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static WireMockServer wm;
    static TopLorasRuntime runtime;
    static Http http;
    static Path home;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        wm = Stubs.wireMock();
        home = dir;
        // A remote task that stays RUNNING (the token "slow" sends a job there): its job never ends by itself.
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations")).withHeader("Authorization", equalTo("Bearer slow"))
                .willReturn(okJson("{\"task_status\":\"SUCCEED\",\"task_id\":\"t-slow\"}")));
        wm.stubFor(get(urlPathEqualTo("/v1/tasks/t-slow")).willReturn(okJson("{\"task_status\":\"RUNNING\"}")));
        Stubs.Served served = Stubs.serve(dir, Map.of(
                "modelscope.inference-url", wm.baseUrl(),
                "generation.poll-interval", "200",
                "api.max-body-bytes", "4096",
                "camel.main.shutdown-timeout", "2"));
        runtime = served.runtime();
        http = served.http();
    }

    @AfterAll
    static void stop() {
        runtime.close();
        wm.stop();
    }

    static ObjectNode job(String jobId, String prompt, String backend) {
        ObjectNode j = JSON.createObjectNode();
        if (jobId != null) {
            j.put("job_id", jobId);
        }
        j.put("task", "text-to-image-synthesis");
        j.put("model_id", "Qwen/Qwen-Image");
        ObjectNode p = j.putObject("params");
        p.put("prompt", prompt);
        p.put("size", "64x64");
        p.put("seed", 7);
        j.put("backend", backend);
        return j;
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** A 4xx with the given status and code in the one error shape. */
    static JsonNode assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.uri() + " " + r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("application/json"));
        JsonNode e = json(r).path("error");
        assertThat(e.path("code").asText()).as(r.body()).isEqualTo(code);
        assertThat(e.path("message").asText()).isNotBlank();
        return e;
    }

    static int jobsMatching(String q) throws Exception {
        return json(http.get("/api/v1/jobs?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8))).path("total").asInt();
    }

    /** Sends raw bytes and reads the whole answer (the server closes after it) as text. */
    static String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(http.base().replaceAll(".*:", "")))) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void should_stream_nothing_outside_the_outputs_for_an_sse_id_that_climbs_out() throws Exception {
        Files.writeString(home.resolve("secret.json"), "{}");
        Files.writeString(home.resolve("secret.events.jsonl"), "{\"id\":1,\"type\":\"log\",\"message\":\"SECRET\"}\n");
        String absolute = home.toAbsolutePath().resolve("secret").toString();
        for (String id : List.of(URLEncoder.encode(absolute, StandardCharsets.UTF_8), "..%2F..%2F..%2Fsecret",
                "%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret", ".hidden", "x".repeat(200))) {
            // Bounded: a stream of a file outside the outputs would never end.
            HttpResponse<String> r = CLIENT.sendAsync(http.request("/api/v1/generate/" + id + "/events").GET().build(),
                    HttpResponse.BodyHandlers.ofString()).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertError(r, 404, "not_found");
            assertThat(r.body()).doesNotContain("SECRET");
        }
    }

    @Test
    void should_remember_no_web_miss() {
        // The JDK's class loader keeps something for every missing resource name it is asked for: a miss must
        // not reach it at all.
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        ClassLoader counting = new ClassLoader(WebApp.class.getClassLoader()) {
            @Override
            public java.net.URL getResource(String name) {
                asked.incrementAndGet();
                return super.getResource(name);
            }

            @Override
            public InputStream getResourceAsStream(String name) {
                asked.incrementAndGet();
                return super.getResourceAsStream(name);
            }
        };
        WebApp web = new WebApp(counting);
        asked.set(0);
        int files = web.cached();
        assertThat(files).isPositive();
        for (int i = 0; i < 10_000; i++) {
            assertThat(web.find("no-such-file-" + i + ".js")).isEmpty();
        }
        assertThat(web.cached()).isEqualTo(files);
        assertThat(web.find("index.html")).isPresent();
        assertThat(asked.get()).isZero();
        assertThat(http.get("/web/no-such-file-1.js").statusCode()).isEqualTo(404);
    }

    @Test
    void should_answer_400_and_create_nothing_for_bad_wait_values() throws Exception {
        for (String wait : List.of("abc", "99999999999", "-1", "2.5", "1e3", "61")) {
            String prompt = "bad wait " + wait;
            HttpResponse<String> r = http.post("/api/v1/generate?wait=" + wait, job(null, prompt, "local").toString());
            assertThat(assertError(r, 400, "invalid_request").at("/details/field").asText()).isEqualTo("wait");
            assertThat(jobsMatching(prompt)).as(wait).isZero();
        }
    }

    @Test
    void should_answer_400_for_bad_limit_values_on_every_list() throws Exception {
        for (String path : List.of("/api/v1/jobs", "/api/v1/runs", "/api/v1/models")) {
            for (String q : List.of("limit=abc", "limit=1e3", "limit=2.5", "limit=99999999999999999999",
                    "limit=1&limit=abc", "limit=0", "limit=501")) {
                HttpResponse<String> r = http.get(path + "?" + q);
                assertThat(assertError(r, 400, "invalid_request").at("/details/field").asText()).as(path + "?" + q)
                        .isEqualTo("limit");
            }
        }
    }

    @Test
    void should_say_what_is_wrong_with_a_body_that_is_missing_broken_or_more_than_one_document() throws Exception {
        HttpResponse<String> none = http.send(http.request("/api/v1/generate").header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertError(none, 400, "invalid_request");
        String rawNoLength = raw("POST /api/v1/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(rawNoLength).startsWith("HTTP/1.1 400").contains("\"invalid_request\"");

        JsonNode broken = assertError(http.post("/api/v1/generate", "{\"task\": \"t\",\n \"params\": {"), 400,
                "invalid_request");
        assertThat(broken.path("message").asText()).contains("line 2");

        String one = job(null, "trailing", "local").toString();
        for (String body : List.of(one + " garbage", one + one, one + "\n{}")) {
            assertError(http.post("/api/v1/generate", body), 400, "invalid_request");
        }
        assertThat(jobsMatching("trailing")).isZero();
    }

    @Test
    void should_answer_415_405_and_404_in_the_error_shape() throws Exception {
        String body = job(null, "typed", "local").toString();
        assertError(http.send(http.request("/api/v1/generate").POST(HttpRequest.BodyPublishers.ofString(body))
                .build()), 415, "unsupported_media_type");
        assertError(http.send(http.request("/api/v1/generate").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()), 415, "unsupported_media_type");
        assertError(http.send(http.request("/api/v1/generate").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build()), 405, "method_not_allowed");
        assertError(http.send(http.request("/api/v1/jobs").DELETE().build()), 405, "method_not_allowed");
        assertError(http.get("/api/v1/no-such-endpoint"), 404, "not_found");
        assertThat(jobsMatching("typed")).isZero();
    }

    @Test
    void should_cap_uploads_by_inputs_max_bytes_and_json_bodies_by_api_max_body_bytes() throws Exception {
        // api.max-body-bytes is 4096 here, inputs.max-bytes its default (10 MiB)
        byte[] png = dev.toploras.support.Images.noisyPng(64, 64);
        assertThat(png.length).isGreaterThan(4096);
        HttpResponse<String> sized = http.upload(png, "image/png");
        assertThat(sized.statusCode()).as(sized.body()).isEqualTo(201);
        assertThat(json(sized).path("upload_id").asText()).hasSize(64);
        HttpResponse<String> chunkedUpload = http.send(http.request("/api/v1/uploads")
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(png))).build());
        assertThat(chunkedUpload.statusCode()).as(chunkedUpload.body()).isBetween(200, 201);

        byte[] overUpload = new byte[10 * 1024 * 1024 + 1];
        JsonNode declared = assertError(http.upload(overUpload, "image/png"), 413, "payload_too_large");
        assertThat(declared.path("message").asText()).contains("inputs.max-bytes");
        JsonNode streamed = assertError(http.send(http.request("/api/v1/uploads").header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(overUpload))).build()),
                413, "payload_too_large");
        assertThat(streamed.path("message").asText()).contains("inputs.max-bytes");

        String bigJson = job("big-json", "x".repeat(6000), "remote").toString();
        JsonNode json = assertError(http.post("/api/v1/generate", bigJson), 413, "payload_too_large");
        assertThat(json.path("message").asText()).contains("api.max-body-bytes");
        assertThat(jobsMatching("big-json")).isZero();
    }

    @Test
    void should_answer_413_414_and_431_from_the_http_layer_in_the_error_shape() throws Exception {
        byte[] big = new byte[10_000];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpResponse<String> chunked = http.send(http.request("/api/v1/generate")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());
        assertError(chunked, 413, "payload_too_large");

        String longLine = raw("GET /api/v1/models?q=" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(longLine).matches("(?s)HTTP/1\\.[01] 414 .*").contains("\"uri_too_long\"");
        String bigHeader = raw("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
        assertThat(bigHeader).matches("(?s)HTTP/1\\.[01] 431 .*").contains("\"headers_too_large\"");
        assertThat(http.get("/api/health").statusCode()).isEqualTo(200);
    }

    @Test
    void should_refuse_a_refresh_of_an_unknown_task_naming_the_known_ones_and_write_no_cache() throws Exception {
        JsonNode e = assertError(http.post("/api/v1/refresh?task=no-such-task-123", ""), 400, "invalid_request");
        assertThat(e.path("message").asText()).contains("text-to-image-synthesis");
        try (Stream<Path> files = Files.walk(home.resolve("cache"))) {
            assertThat(files.map(Path::toString)).noneMatch(p -> p.contains("no-such-task-123"));
        }
    }

    @Test
    void should_create_exactly_one_job_for_concurrent_posts_of_one_idempotency_key() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ObjectNode j = job(null, "keyed race", "local");
            j.put("idempotency_key", "race-key-1");
            posts.add(CLIENT.sendAsync(http.request("/api/v1/generate").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(j.toString())).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> ids = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> f : posts) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            ids.add(json(r).path("job_id").asText());
        }
        assertThat(ids).hasSize(1);
        assertThat(jobsMatching("keyed race")).isEqualTo(1);
    }

    @Test
    void should_tell_exactly_one_client_created_when_many_post_one_job_id() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            posts.add(CLIENT.sendAsync(http.request("/api/v1/generate").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(job("one-id-race", "prompt " + i, "local").toString()))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        int created = 0;
        String winner = null;
        for (int i = 0; i < posts.size(); i++) {
            HttpResponse<String> r = posts.get(i).get();
            if (r.statusCode() == 202 && !json(r).has("existing")) {
                created++;
                winner = "prompt " + i;
            } else {
                assertError(r, 409, "conflict");
            }
        }
        assertThat(created).isEqualTo(1);
        assertThat(json(http.get("/api/v1/generate/one-id-race")).at("/params/prompt").asText()).isEqualTo(winner);
    }

    @Test
    void should_keep_answering_reads_while_a_hundred_requests_wait_for_their_jobs() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            waits.add(CLIENT.sendAsync(http.request("/api/v1/generate?wait=8")
                    .header("Content-Type", "application/json").header("X-ModelScope-Token", "slow")
                    .POST(HttpRequest.BodyPublishers.ofString(job(null, "waiting " + i, "remote").toString())).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // Most waits are answered at once (202, as if their wait had run out); the few held leave threads free.
        await().atMost(Duration.ofSeconds(6)).until(() -> waits.stream().filter(CompletableFuture::isDone).count() >= 90);
        long t0 = System.nanoTime();
        assertThat(http.get("/api/health").statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/models?limit=1").statusCode()).isIn(200, 404);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        for (CompletableFuture<HttpResponse<String>> w : waits) {
            assertThat(w.get().statusCode()).isEqualTo(202);
        }
    }

    @Test
    void should_close_a_reconnect_at_a_finished_jobs_last_event_and_send_asset_urls() throws Exception {
        HttpResponse<String> posted = http.post("/api/v1/generate?wait=20", job("sse-end-1", "sse", "local").toString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        String all = CLIENT.send(http.request("/api/v1/generate/sse-end-1/events").timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        List<String> ids = all.lines().filter(l -> l.startsWith("id: ")).map(l -> l.substring(4)).toList();
        String asset = all.lines().dropWhile(l -> !l.equals("event: asset")).skip(1).findFirst().orElseThrow();
        assertThat(JSON.readTree(asset.substring(6)).at("/payload/url").asText())
                .startsWith("/assets/outputs/text-to-image-synthesis/sse-end-1/");

        HttpResponse<String> again = CLIENT.send(http.request("/api/v1/generate/sse-end-1/events")
                .header("Last-Event-ID", ids.get(ids.size() - 1)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).doesNotContain("id: ");

        JsonNode view = json(http.get("/api/v1/generate/sse-end-1"));
        assertThat(view.path("stage").asText()).isEqualTo("DONE");
        assertThat(view.path("message").asText()).isNotBlank();
        String manifestUrl = view.path("manifest_url").asText();
        assertThat(manifestUrl).isEqualTo("/assets/outputs/text-to-image-synthesis/sse-end-1/manifest.json");
        JsonNode manifest = json(http.get(manifestUrl));
        assertThat(manifest.path("files")).extracting(f -> f.path("role").asText()).contains("document", "image");
    }

    @Test
    void should_answer_a_failed_waited_job_with_details_in_its_error() throws Exception {
        // remote without any token: the job fails at once, and the envelope says why.
        HttpResponse<String> r = http.post("/api/v1/generate?wait=20", job(null, "no token", "remote").toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode env = json(r);
        assertThat(env.path("ok").asBoolean()).isFalse();
        assertThat(env.path("error").has("details")).isTrue();
        assertThat(env.path("error").has("detail")).isFalse();
    }
}
