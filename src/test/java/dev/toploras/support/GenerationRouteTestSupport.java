package dev.toploras.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.CatalogBeans;
import dev.toploras.generation.GenerationBeans;
import dev.toploras.generation.JobIntake;
import dev.toploras.jobs.JobStore;
import dev.toploras.local.LocalBeans;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.CamelConfiguration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;

/**
 * generation.camel.yaml's job run on the route-test layer: a request is stored as a queued job by the intake (as the
 * API and the inbox do), and its id is handed to generation-run as the generation queue would, through a direct:
 * in place of the queue's consumer, so the test thread runs the job to its end (or {@link #start} runs it on
 * another thread, for a cancel). What the job turns into is read from its document, as a user reads it.
 */
public abstract class GenerationRouteTestSupport extends RouteTestSupport {
    protected static final ObjectMapper JSON = Json.mapper();
    protected static final String TASK = "text-to-image-synthesis";
    private static final String QUEUE = "direct:route-test-queue";

    /** The ModelScope token the runtime would have (none unless a class says so). */
    protected Supplier<Optional<String>> token() {
        return Optional::empty;
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CatalogBeans(Optional::empty), new GenerationBeans(token()), new LocalBeans());
    }

    @Override
    protected void advise() throws Exception {
        replaceConsumer("generation-run", QUEUE);
    }

    @BeforeEach
    final void runnerStartedAndIdle() throws Exception {
        // generation-run starts only in serve (autoStartup {{runtime.serve}}); here it is the flow under test.
        if (!context.getRouteController().getRouteStatus("generation-run").isStarted()) {
            context.getRouteController().startRoute("generation-run");
        }
        // A job's side routes (A1111's progress watcher is a wireTap) may make one more call after the job ended:
        // a test starts once nothing of the last one runs, so it sees no other test's requests.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> context.getInflightRepository().size() == 0);
    }

    /** The request stored as a queued job, as the API's intake does; returns its id. */
    protected String accept(String request) {
        return context.getRegistry().lookupByNameAndType("requestIntake", JobIntake.class)
                .acceptRequest(request.getBytes(StandardCharsets.UTF_8), "route-test").jobId();
    }

    /** A request through intake and generation-run to its end: the job document then. */
    protected JsonNode run(String request) {
        String id = accept(request);
        template.sendBody(QUEUE, id);
        return doc(id);
    }

    /** A stored job's id handed to generation-run as the queue would, on another thread. */
    protected CompletableFuture<Object> hand(String jobId) {
        return template.asyncSendBody(QUEUE, jobId);
    }

    /** A request run on another thread, so the test can cancel it while it runs. */
    protected CompletableFuture<Object> start(String request) {
        return hand(accept(request));
    }

    /** What POST /api/v1/generate/{id}/cancel does to a job that has not ended: the store's cancel request. */
    protected void requestCancel(String jobId) {
        JobStore store = context.getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        store.requestCancel(store.find(jobId).orElseThrow());
    }

    /** {@link #requestCancel}, then the document once the run has ended. */
    protected JsonNode cancelAndWait(String jobId, CompletableFuture<Object> running) throws Exception {
        requestCancel(jobId);
        return ended(jobId, running);
    }

    /** The document of a job started with {@link #start}, once its run has ended. */
    protected JsonNode ended(String jobId, CompletableFuture<Object> running) throws Exception {
        running.get(20, TimeUnit.SECONDS);
        return doc(jobId);
    }

    protected Path docFile(String jobId) {
        return homeDir().resolve("cache/outputs").resolve(TASK).resolve(jobId + ".json");
    }

    protected JsonNode doc(String jobId) {
        try {
            return JSON.readTree(docFile(jobId).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected String events(String jobId) throws IOException {
        return Files.readString(homeDir().resolve("cache/outputs").resolve(TASK).resolve(jobId + ".events.jsonl"));
    }

    /** The file a result names (relative to the home, as the API serves it). */
    protected byte[] resultFile(JsonNode doc) throws IOException {
        return Files.readAllBytes(homeDir().resolve(doc.at("/result/0/data/url").asText()));
    }
}
