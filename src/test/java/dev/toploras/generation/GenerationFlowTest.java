package dev.toploras.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.toploras.generation.GenerationHarness.TOKEN;
import static dev.toploras.generation.GenerationHarness.awaitStatus;
import static dev.toploras.generation.GenerationHarness.drop;
import static dev.toploras.generation.GenerationHarness.events;
import static dev.toploras.generation.GenerationHarness.job;
import static dev.toploras.generation.GenerationHarness.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbox and the worker against WireMock as API-Inference, on one running runtime. The remote path's retries,
 * fallbacks, FAILED task and timeout are GenerationRemoteRouteTest's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GenerationFlowTest {
    @TempDir
    static Path dir;
    static WireMockServer modelscope;
    static TopLorasRuntime runtime;
    static Home home;
    static final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    static PrintStream originalErr;

    @BeforeAll
    static void start() throws Exception {
        originalErr = System.err;
        // Every log line of the runtime passes through here, so the token test can read them all.
        System.setErr(new PrintStream(new TeeStream(originalErr, logs), true, StandardCharsets.UTF_8));
        modelscope = new WireMockServer(wireMockConfig().dynamicPort());
        modelscope.start();
        modelscope.stubFor(get(urlPathEqualTo("/img/out.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(GenerationHarness.png(64, 48))));
        home = new Home(dir);
        runtime = TopLorasRuntime.start(home, Map.of(
                "runtime.serve", "true",
                "server.port", String.valueOf(dev.toploras.support.Http.freePort()), // 8080 may be taken
                "modelscope.inference-url", modelscope.baseUrl(),
                "retries.initial-delay", "10",
                "generation.poll-interval", "20",
                "generation.poll-timeout", "1s",
                "inbox.read-lock-min-age", "50",
                // the unfinished files dropped here are abandoned ones: rejected after a second, not 30
                // (a writer that pauses is waited for: InboxSlowWriterTest)
                "inbox.incomplete-wait", "1s",
                "inbox.poll-delay", "50"), () -> Optional.of(TOKEN), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        modelscope.stop();
        System.setErr(originalErr);
    }

    private static void submitAnswers(String prompt, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder r) {
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.prompt", equalTo(prompt))).willReturn(r));
    }

    private static void pollAnswers(String taskId, String body) {
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/" + taskId)).willReturn(okJson(body)));
    }

    @Test
    void should_poll_until_succeeded_and_download_the_image_without_the_token() {
        submitAnswers("case-ok", okJson(GenerationHarness.submitted("t-ok")));
        String s = "poll-ok";
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-ok")).inScenario(s).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(GenerationHarness.fixture("task_poll_pending.json"))).willSetStateTo("running"));
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-ok")).inScenario(s).whenScenarioStateIs("running")
                .willReturn(okJson(GenerationHarness.fixture("task_poll_running.json"))).willSetStateTo("done"));
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-ok")).inScenario(s).whenScenarioStateIs("done")
                .willReturn(okJson(GenerationHarness.succeeded(modelscope.baseUrl() + "/img/out.png"))));

        drop(home, job("ok-1", "case-ok", "auto"));
        JsonNode doc = awaitStatus(home, "ok-1", "succeeded");

        assertThat(doc.at("/meta/backend").asText()).isEqualTo("remote");
        assertThat(doc.at("/meta/remote_task_id").asText()).isEqualTo("t-ok");
        assertThat(doc.at("/meta/attempts").asInt()).isEqualTo(1);
        assertThat(doc.at("/meta/timing/totalMs").isIntegralNumber()).isTrue();
        assertThat(doc.at("/started_at").asText()).endsWith("Z");
        assertThat(doc.at("/error").isNull()).isTrue();
        JsonNode image = doc.at("/result/0");
        assertThat(image.at("/type").asText()).isEqualTo("image");
        assertThat(image.at("/data/mime").asText()).isEqualTo("image/png");
        assertThat(image.at("/meta/width").asInt()).isEqualTo(64);
        assertThat(home.root().resolve(image.at("/data/url").asText())).isRegularFile();
        // the file consumer moves the file once its exchange completes, which can be after the job has finished
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(home.inbox().resolve(".done/ok-1.json")).isRegularFile());

        modelscope.verify(postRequestedFor(urlEqualTo("/v1/images/generations"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("X-ModelScope-Async-Mode", equalTo("true")));
        modelscope.verify(getRequestedFor(urlEqualTo("/v1/tasks/t-ok"))
                .withHeader("X-ModelScope-Task-Type", equalTo("image_generation")));
        modelscope.verify(getRequestedFor(urlEqualTo("/img/out.png")).withoutHeader("Authorization"));

        List<JsonNode> events = events(home, "ok-1");
        assertThat(events).extracting(e -> e.path("id").asLong()).isSorted().doesNotHaveDuplicates();
        assertThat(events.get(events.size() - 1).path("type").asText()).isEqualTo("done");
        assertThat(events).extracting(e -> e.path("type").asText()).contains("status", "log", "asset");
    }

    @Test
    void should_move_each_bad_file_to_error_with_the_reason_and_keep_processing() {
        ObjectNode unknown = job("bad-unknown", "x", "local");
        unknown.put("api_token", "nope");
        ObjectNode longPrompt = job("bad-long", "x".repeat(5000), "local");
        ObjectNode noPrompt = job("bad-noprompt", "x", "local");
        ((ObjectNode) noPrompt.get("params")).remove("prompt");
        ObjectNode weights = job("bad-weights", "x", "auto"); // ModelScope's rule; local applies weights as given
        weights.putObject("loras").put("a/one", 0.5).put("b/two", 0.2);
        ObjectNode traversalTask = job("bad-task", "x", "local");
        traversalTask.put("task", "../x");
        ObjectNode unknownTask = job("bad-task2", "x", "local");
        unknownTask.put("task", "image-to-video");
        Map<String, String> files = Map.of(
                "invalid.json", "{\"task\": ",
                "empty.json", "",
                "unknown.json", unknown.toString(),
                "long.json", longPrompt.toString(),
                "noprompt.json", noPrompt.toString(),
                "weights.json", weights.toString(),
                "traversal-id.json", job("../x", "x", "local").toString(),
                "dotdot-id.json", job("..", "x", "local").toString(),
                "traversal-task.json", traversalTask.toString(),
                "unknown-task.json", unknownTask.toString());
        files.forEach((name, content) -> drop(home, name, content));
        drop(home, job("after-bad", "fine", "local"));

        Path errors = home.inbox().resolve(".error");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String name : files.keySet()) {
                assertThat(errors.resolve(name)).isRegularFile();
                assertThat(errors.resolve(name + ".error.json")).isRegularFile();
            }
        });
        Map<String, String> field = Map.of(
                "invalid.json", "$", "empty.json", "$", "unknown.json", "api_token", "long.json", "$.params.prompt",
                "noprompt.json", "prompt", "weights.json", "loras", "traversal-id.json", "$.job_id",
                "dotdot-id.json", "job_id", "traversal-task.json", "$.task", "unknown-task.json", "task");
        field.forEach((name, f) -> {
            JsonNode problem = read(errors.resolve(name + ".error.json"));
            assertThat(problem.path("code").asText()).as(name).isEqualTo("invalid_request");
            assertThat(problem.path("message").asText()).as(name).isNotBlank();
            assertThat(problem.at("/details/field").asText()).as(name).endsWith(f);
        });
        assertThat(read(errors.resolve("unknown.json.error.json")).path("message").asText()).contains("api_token");
        awaitStatus(home, "after-bad", "succeeded");
    }

    @Test
    void should_not_run_a_redropped_job_twice() throws IOException {
        ObjectNode once = job("once-1", "again", "local");
        drop(home, once);
        awaitStatus(home, "once-1", "succeeded");
        ObjectNode keyed = job("keyed-1", "keyed", "local");
        keyed.put("idempotency_key", "order-77");
        drop(home, keyed);
        awaitStatus(home, "keyed-1", "succeeded");
        int eventsBefore = events(home, "once-1").size();

        drop(home, "once-1-again.json", once.toString());
        ObjectNode sameKey = job("keyed-2", "keyed", "local");
        sameKey.put("idempotency_key", "order-77");
        drop(home, sameKey);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(home.inbox().resolve(".done/once-1-again.json"))
                && Files.exists(home.inbox().resolve(".done/keyed-2.json")));

        assertThat(events(home, "once-1")).hasSize(eventsBefore);
        assertThat(GenerationHarness.doc(home, "keyed-2")).doesNotExist();
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void should_never_write_or_log_the_token() throws IOException {
        submitAnswers("case-token", okJson(GenerationHarness.submitted("t-token")));
        pollAnswers("t-token", GenerationHarness.succeeded(modelscope.baseUrl() + "/img/out.png"));
        drop(home, job("token-1", "case-token", "remote"));
        awaitStatus(home, "token-1", "succeeded");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(home.inbox().resolve(".done/token-1.json")));

        GenerationHarness.assertNoFileHolds(home.root(), TOKEN);
        assertThat(logs.toString(StandardCharsets.UTF_8)).isNotEmpty().doesNotContain(TOKEN);
    }

    /** Copies stderr into a buffer while still printing it. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
