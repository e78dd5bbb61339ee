package dev.toploras.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.api.ApiReply;
import dev.toploras.catalog.CatalogBeans;
import dev.toploras.generation.GenerationBeans;
import dev.toploras.generation.JobIntake;
import dev.toploras.jobs.JobStore;
import dev.toploras.runtime.Home;
import dev.toploras.storage.Json;
import dev.toploras.support.RouteTestSupport;
import dev.toploras.support.Stubs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.CamelConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A local backend's flow (local-comfyui or local-a1111, with local-loras, local-http and generation) on the
 * route-test layer: a job goes in as the generation queue would hand it over (its id, after the intake stored it as
 * queued) and runs through generation-run to its document, with the real camel-http calls going to a WireMock
 * backend and a WireMock ModelScope. The request on the wire is the behaviour, so the stubs stand where the servers
 * would, not a MockEndpoint. One context per class: the stubs are reset before every test, the LoRA folder emptied,
 * and each test uses LoRA repositories of its own (the listing pick is kept for local.lora-listing-ttl).
 */
abstract class LocalBackendRouteTestSupport extends RouteTestSupport {
    static final ObjectMapper JSON = Json.mapper();
    static final String TASK = "text-to-image-synthesis";
    static final String SDXL = "stabilityai/stable-diffusion-xl-base-1.0";
    private static final String QUEUE = "direct:route-test-queue";

    final WireMockServer modelScope = Stubs.wireMock();
    final WireMockServer backend = Stubs.wireMock();

    /** comfyui or a1111. */
    abstract String backendName();

    /** The backend's own flow files, after errors, generation, local-http and local-loras. */
    abstract List<String> backendFlows();

    /** The class's settings over {@link #settings()}'s (its one context's). */
    Map<String, String> more() {
        return Map.of();
    }

    /** Where the backend answers; a class may point it at a port where nothing listens. */
    String backendUrl() {
        return backend.baseUrl();
    }

    @Override
    protected List<String> flows() {
        List<String> all = new java.util.ArrayList<>(List.of("errors.camel.yaml", "generation.camel.yaml",
                "local-http.camel.yaml", "local-loras.camel.yaml"));
        all.addAll(backendFlows());
        return all;
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CatalogBeans(Optional::empty), new GenerationBeans(Optional::empty), new LocalBeans());
    }

    @Override
    protected Map<String, String> overrides() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("local.backend", backendName());
        m.put("local." + backendName() + ".url", backendUrl());
        m.put("modelscope.base-url", modelScope.baseUrl());
        m.put("local.checkpoints", SDXL + "=sd_xl_base_1.0.safetensors");
        m.put("local.poll-interval", "20");
        m.putAll(more());
        return m;
    }

    @Override
    protected void advise() throws Exception {
        // The seda (or broker) queue's consumer becomes a direct: the test thread runs the job to its end.
        replaceConsumer("generation-run", QUEUE);
    }

    @BeforeEach
    final void freshStubsAndRunner() throws Exception {
        // generation-run starts only in serve (autoStartup {{runtime.serve}}); here it is the flow under test.
        if (!context.getRouteController().getRouteStatus("generation-run").isStarted()) {
            context.getRouteController().startRoute("generation-run");
        }
        // A job's side routes (A1111's progress watcher is a wireTap) may make one more call after the job ended;
        // the stubs are reset only once nothing of the last test runs, so no test sees another's requests.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> context.getInflightRepository().size() == 0);
        modelScope.resetAll();
        backend.resetAll();
        Path loras = homeDir().resolve("loras");
        if (Files.isDirectory(loras)) {
            try (Stream<Path> files = Files.walk(loras)) {
                files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(loras)).forEach(p -> p.toFile().delete());
            }
        }
    }

    @AfterAll
    final void stopStubs() {
        modelScope.stop();
        backend.stop();
    }

    /** The request stored as a queued job, as the API's intake does; returns its id. */
    String accept(String request) {
        return context.getRegistry().lookupByNameAndType("jobIntake", JobIntake.class)
                .acceptRequest(request.getBytes(StandardCharsets.UTF_8), "route-test").jobId();
    }

    /** A request through intake and generation-run to its end: the job document then. */
    JsonNode run(String request) {
        String id = accept(request);
        template.sendBody(QUEUE, id);
        return doc(id);
    }

    /** A request run on another thread, so the test can cancel it while it runs. */
    CompletableFuture<Object> start(String request) {
        return template.asyncSendBody(QUEUE, accept(request));
    }

    /** What POST /api/v1/generate/{id}/cancel does to a running job: the store's cancel request. */
    void requestCancel(String jobId) {
        JobStore store = context.getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        store.requestCancel(store.find(jobId).orElseThrow());
    }

    /** {@link #requestCancel}, then the document once the run has ended. */
    JsonNode cancelAndWait(String jobId, CompletableFuture<Object> running) throws Exception {
        requestCancel(jobId);
        return ended(jobId, running);
    }

    /** The document of a job started with {@link #start}, once its run has ended. */
    JsonNode ended(String jobId, CompletableFuture<Object> running) throws Exception {
        running.get(20, TimeUnit.SECONDS);
        return doc(jobId);
    }

    JsonNode doc(String jobId) {
        return read(homeDir().resolve("cache/outputs").resolve(TASK).resolve(jobId + ".json"));
    }

    String events(String jobId) throws IOException {
        return Files.readString(homeDir().resolve("cache/outputs").resolve(TASK).resolve(jobId + ".events.jsonl"));
    }

    /** The file a result names (relative to the home, as the API serves it). */
    byte[] resultFile(JsonNode doc) throws IOException {
        return Files.readAllBytes(homeDir().resolve(doc.at("/result/0/data/url").asText()));
    }

    /** GET /api/health's "local" section: what the health route asks of localHealth. */
    JsonNode health() {
        return JSON.valueToTree(context.getRegistry().lookupByNameAndType("localHealth", LocalHealth.class).section());
    }

    /** GET /api/v1/local/loras: the backend's installed list (its route) given to localApi, as api-local-list does. */
    @SuppressWarnings("unchecked")
    JsonNode installedLoras() {
        Object listed = template.requestBody("direct:local-" + backendName() + "-installed", (Object) "");
        return replyBody(localApi().loras((List<Map<String, Object>>) listed));
    }

    /** GET /api/v1/local/samplers, the same way. */
    @SuppressWarnings("unchecked")
    JsonNode samplerNames() {
        Object names = template.requestBody("direct:local-" + backendName() + "-names", (Object) "");
        return replyBody(localApi().samplers((Map<String, Object>) names));
    }

    private LocalApi localApi() {
        return context.getRegistry().lookupByNameAndType("localApi", LocalApi.class);
    }

    private static JsonNode replyBody(ApiReply reply) {
        return JSON.valueToTree(reply.body());
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
