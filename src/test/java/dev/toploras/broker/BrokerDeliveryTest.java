package dev.toploras.broker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.toploras.broker.BrokerHarness.doc;
import static dev.toploras.broker.BrokerHarness.drop;
import static dev.toploras.broker.BrokerHarness.job;
import static dev.toploras.broker.BrokerHarness.read;
import static dev.toploras.broker.BrokerHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.generation.GenerationHarness;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;
import java.util.Base64;
import java.security.MessageDigest;
import dev.toploras.support.Images;
import dev.toploras.inputs.InputStore;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import dev.toploras.support.Stubs;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery guarantees of the broker-backed queue, each against a real embedded Artemis, a coordinator and
 * in-process workers with homes of their own. ModelScope is a WireMock stub shaped like src/test/resources/modelscope.
 */
class BrokerDeliveryTest {
    private static final Duration LONG = Duration.ofSeconds(40);
    @TempDir
    Path home;
    @TempDir
    Path workerHome;
    WireMockServer modelscope;
    int brokerPort;
    final List<TopLorasRuntime> started = new ArrayList<>();

    @BeforeEach
    void stubs() {
        modelscope = Stubs.wireMock();
        brokerPort = Http.freePort();
    }

    @AfterEach
    void stop() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        modelscope.stop();
    }

    private TopLorasRuntime coordinator(Map<String, String> extra) throws Exception {
        Map<String, String> c = BrokerHarness.coordinator(brokerPort, modelscope.baseUrl());
        c.putAll(extra);
        TopLorasRuntime rt = BrokerHarness.start(home, c, null);
        started.add(rt);
        return rt;
    }

    private TopLorasRuntime worker(String name, Map<String, String> extra) throws Exception {
        Map<String, String> w = BrokerHarness.worker(name, brokerPort, modelscope.baseUrl(), 2);
        w.putAll(extra);
        TopLorasRuntime rt = BrokerHarness.start(Files.createDirectories(workerHome.resolve(name)), w, "worker-token");
        started.add(rt);
        return rt;
    }

    private static long[] jobsQueue(TopLorasRuntime coordinator) {
        return coordinator.bean("brokerHealth", BrokerWiring.BrokerHealth.class).counts(BrokerSettings.JOBS);
    }

    private void pendingForever(String taskId) {
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations"))
                .willReturn(okJson(GenerationHarness.submitted(taskId))));
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/" + taskId))
                .willReturn(okJson(GenerationHarness.fixture("task_poll_pending.json"))));
    }

    @Test
    void should_keep_the_job_message_on_the_broker_until_the_coordinator_has_stored_the_result() throws Exception {
        TopLorasRuntime c = coordinator(Map.of());
        // stopped, not drained: a second is enough (the graceful default would wait shutdown-timeout for nothing)
        c.context().getRouteController().stopRoute("broker-updates", 1, java.util.concurrent.TimeUnit.SECONDS);
        worker("w-ack", Map.of("broker.reply-timeout", "1s"));

        drop(home, job("ack-1", "local"));
        // The worker has rendered it and waits for the coordinator: the message is held, not acknowledged.
        await().atMost(LONG).until(() -> jobsQueue(c)[1] == 1);
        assertThat(status(home, "ack-1")).isEqualTo("queued");

        c.context().getRouteController().startRoute("broker-updates");
        await().atMost(LONG).until(() -> "succeeded".equals(status(home, "ack-1")));
        await().atMost(LONG).until(() -> jobsQueue(c)[0] == 0 && jobsQueue(c)[1] == 0);
        List<String> events = Files.readAllLines(doc(home, "ack-1").resolveSibling("ack-1.events.jsonl"));
        assertThat(events.stream().filter(l -> l.contains("\"type\":\"done\"")).count()).isEqualTo(1);
    }

    @Test
    void should_not_queue_a_job_twice_when_the_coordinator_restarts_with_jobs_still_queued() throws Exception {
        TopLorasRuntime first = coordinator(Map.of());
        for (int i = 1; i <= 3; i++) {
            drop(home, job("restart-" + i, "local"));
        }
        await().atMost(LONG).until(() -> jobsQueue(first)[0] == 3);
        first.close();
        started.remove(first);

        TopLorasRuntime second = coordinator(Map.of());
        // generation-recover re-offers the three queued jobs at start; duplicate detection by job id drops them.
        assertThat(jobsQueue(second)[0]).isEqualTo(3);

        TopLorasRuntime w = worker("w-restart", Map.of());
        for (int i = 1; i <= 3; i++) {
            String id = "restart-" + i;
            await().atMost(LONG).until(() -> "succeeded".equals(status(home, id)));
        }
        await().atMost(LONG).until(() -> jobsQueue(second)[0] == 0 && jobsQueue(second)[1] == 0);
        // Three deliveries in all: with the re-offers queued as well there would have been six.
        JsonNode broker = BrokerHarness.JSON.readTree(new Http(port(second)).get("/api/health").body()).path("broker");
        assertThat(broker.path("acknowledged").asLong()).isEqualTo(3);
        for (int i = 1; i <= 3; i++) {
            Path log = doc(home, "restart-" + i).resolveSibling("restart-" + i + ".events.jsonl");
            assertThat(Files.readAllLines(log).stream().filter(l -> l.contains("\"type\":\"done\"")).count())
                    .isEqualTo(1);
            assertThat(read(doc(home, "restart-" + i)).at("/meta/attempts").asInt()).isEqualTo(1);
        }
        assertThat(w.bean("workerSteps", WorkerSteps.class).heartbeat()).contains("\"jobs_done\":3");
    }

    @Test
    void should_fail_the_job_with_delivery_failed_when_its_message_goes_to_the_dead_letter_queue() throws Exception {
        TopLorasRuntime c = coordinator(Map.of("retries.max", "2"));
        // A worker whose generation flow is broken (a user's route file): every delivery of the job fails.
        Path wh = Files.createDirectories(workerHome.resolve("w-broken").resolve("routes"));
        Files.writeString(wh.resolve("generation.camel.yaml"), """
                - route:
                    id: generation-run
                    autoStartup: false
                    from:
                      uri: "{{generation.queue}}"
                      steps:
                        - throwException:
                            exceptionType: java.lang.IllegalStateException
                            message: broken on purpose
                """);
        worker("w-broken", Map.of());

        drop(home, job("poison-1", "local"));
        await().atMost(LONG).until(() -> "failed".equals(status(home, "poison-1")));
        JsonNode d = read(doc(home, "poison-1"));
        assertThat(d.at("/error/code").asText()).isEqualTo("delivery_failed");
        assertThat(d.at("/error/details/deliveries").asInt()).isEqualTo(2);
        assertThat(d.at("/error/message").asText()).contains("dead-letter queue");
        HttpResponse<String> health = new Http(port(c)).get("/api/health");
        assertThat(BrokerHarness.JSON.readTree(health.body()).at("/broker/dead_letters").asLong()).isEqualTo(1);
    }

    @Test
    void should_cancel_a_job_on_the_worker_running_it_when_the_api_is_asked_to() throws Exception {
        pendingForever("t-cancel");
        TopLorasRuntime c = coordinator(Map.of());
        worker("w-cancel", Map.of());

        drop(home, job("cancel-1", "remote"));
        Path file = doc(home, "cancel-1");
        await().atMost(LONG).until(() -> Files.isRegularFile(file) && !read(file).at("/meta/remote_task_id").isNull());
        HttpResponse<String> r = new Http(port(c)).post("/api/v1/generate/cancel-1/cancel", "");
        assertThat(r.statusCode()).isEqualTo(200);

        await().atMost(LONG).until(() -> "cancelled".equals(status(home, "cancel-1")));
        assertThat(read(file).at("/meta/worker").asText()).isEqualTo("w-cancel");
        await().atMost(LONG).until(() -> jobsQueue(c)[0] == 0 && jobsQueue(c)[1] == 0);
        assertThat(Files.exists(file.resolveSibling("cancel-1.cancel"))).isFalse();
    }

    @Test
    void should_run_a_job_with_a_request_token_on_the_coordinator_and_never_write_the_token_to_the_broker()
            throws Exception {
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations"))
                .withHeader("Authorization", equalTo("Bearer request-token-SECRET"))
                .willReturn(okJson(GenerationHarness.submitted("t-own"))));
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-own"))
                .willReturn(okJson(GenerationHarness.succeeded(modelscope.baseUrl() + "/img/own.png"))));
        modelscope.stubFor(get(urlPathEqualTo("/img/own.png")).willReturn(aResponse().withStatus(200)
                .withBody(GenerationHarness.png(64, 64))));
        TopLorasRuntime c = coordinator(Map.of());
        worker("w-other", Map.of());

        HttpResponse<String> r = new Http(port(c)).post("/api/v1/generate", job("own-1", "remote").toString(),
                "Content-Type", "application/json", "X-ModelScope-Token", "request-token-SECRET");
        assertThat(r.statusCode()).isEqualTo(202);
        await().atMost(LONG).until(() -> "succeeded".equals(status(home, "own-1")));
        assertThat(read(doc(home, "own-1")).at("/meta/worker").isNull()).isTrue();
        modelscope.verify(1, postRequestedFor(urlEqualTo("/v1/images/generations"))
                .withHeader("Authorization", equalTo("Bearer request-token-SECRET")));
        try (Stream<Path> files = Files.walk(home.resolve("broker"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain("request-token-SECRET");
            }
        }
    }

    @Test
    void should_show_the_broker_and_each_worker_in_health_and_metrics_when_jobs_ran() throws Exception {
        TopLorasRuntime c = coordinator(Map.of());
        worker("w-seen", Map.of());
        drop(home, job("seen-1", "local"));
        await().atMost(LONG).until(() -> "succeeded".equals(status(home, "seen-1")));

        Http http = new Http(port(c));
        await().atMost(LONG).until(() -> BrokerHarness.JSON.readTree(http.get("/api/health").body())
                .at("/broker/connected").asBoolean());
        JsonNode broker = BrokerHarness.JSON.readTree(http.get("/api/health").body()).path("broker");
        assertThat(broker.path("embedded").asBoolean()).isTrue();
        assertThat(broker.path("queue_depth").asLong()).isZero();
        assertThat(broker.path("in_flight").asLong()).isZero();
        JsonNode w = broker.path("workers").get(0);
        assertThat(w.path("name").asText()).isEqualTo("w-seen");
        assertThat(w.path("jobs_done").asLong()).isEqualTo(1);
        assertThat(w.path("last_seen").asText()).isNotEmpty();
        String metrics = http.get("/api/metrics").body();
        assertThat(metrics).contains("top_loras_broker_connected 1", "top_loras_broker_workers 1",
                "top_loras_broker_queue_depth 0", "top_loras_broker_dead_letters 0");
    }

    @Test
    void should_let_only_clients_with_the_password_in_when_the_embedded_broker_has_credentials() throws Exception {
        coordinator(Map.of("broker.user", "loras", "broker.password", "pw-right"));
        worker("w-auth", Map.of("broker.user", "loras", "broker.password", "pw-right"));
        drop(home, job("auth-1", "local"));
        await().atMost(LONG).until(() -> "succeeded".equals(status(home, "auth-1")));
        assertThat(read(doc(home, "auth-1")).at("/meta/worker").asText()).isEqualTo("w-auth");

        var cf = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
                "tcp://127.0.0.1:" + brokerPort, "loras", "pw-wrong");
        try (cf) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cf.createConnection().close())
                    .isInstanceOf(jakarta.jms.JMSSecurityException.class);
        }
    }

    private static int port(TopLorasRuntime rt) {
        return Integer.parseInt(rt.context().resolvePropertyPlaceholders("{{server.port}}"));
    }

    /**
     * A worker shares no disk with the coordinator: a job's input image travels with the claim, is checked against
     * its sha256 and put into the worker's own cache/inputs/, and the render reads it from there.
     */
    @Test
    void should_run_a_job_with_an_input_image_on_a_worker_from_the_bytes_the_claim_carried() throws Exception {
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations"))
                .willReturn(okJson(GenerationHarness.submitted("t-edit"))));
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-edit"))
                .willReturn(okJson(GenerationHarness.succeeded(modelscope.baseUrl() + "/out/edit.png"))));
        modelscope.stubFor(get(urlEqualTo("/out/edit.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(Images.png(16, 12))));
        // the render here is the remote one with inputs.remote-data-uri=true: it reads the stored bytes exactly
        // as a local backend does
        coordinator(Map.of("inputs.remote-data-uri", "true"));
        TopLorasRuntime worker = worker("w-edit", Map.of("inputs.remote-data-uri", "true"));

        byte[] png = Images.png(24, 16);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));
        Files.createDirectories(home.resolve("inbox"));
        Files.write(home.resolve("inbox/photo.png"), png);
        ObjectNode job = BrokerHarness.JSON.createObjectNode();
        job.put("job_id", "edit-on-worker");
        job.put("task", "image-to-image");
        job.put("model_id", "Qwen/Qwen-Image-Edit");
        job.putObject("loras").put("DiffSynth-Studio/Qwen-Image-Edit-F2P", 1.0);
        job.putObject("params").put("prompt", "the same room at night").put("size", "128x96");
        job.put("backend", "remote");
        job.putArray("images").add("photo.png");
        drop(home, job);

        Path doc = home.resolve("cache/outputs").resolve("image-to-image").resolve("edit-on-worker.json");
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            String s = Files.isRegularFile(doc) ? Files.readString(doc) : "";
            return s.contains("\"succeeded\"") || s.contains("\"failed\"");
        });
        JsonNode done = BrokerHarness.JSON.readTree(doc.toFile());
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.at("/meta/worker").asText()).isEqualTo("w-edit");
        JsonNode submit = BrokerHarness.JSON.readTree(modelscope.findAll(postRequestedFor(urlEqualTo("/v1/images/generations")))
                .get(0).getBodyAsString());
        assertThat(submit.path("image_url").asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        // the worker's own cache/inputs (under its scratch home, not the coordinator's) holds it by hash
        InputStore workerInputs = worker.bean("inputStore", InputStore.class);
        assertThat(workerInputs.dir().startsWith(home)).isFalse();
        assertThat(workerInputs.file(sha)).hasValueSatisfying(p -> assertThat(p).hasBinaryContent(png));
    }
}
