package dev.toploras.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.toploras.generation.GenerationHarness.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.core.AtomicFiles;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.jobs.Backend;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A serve killed mid-job (kill -9: no shutdown, nothing cleaned up) leaves the job running in the store with what
 * it had recorded. The next start resumes each job at its next step: stored images are not made again, a submitted
 * ModelScope task is polled, not submitted again. The states are written as the killed process left them.
 */
class ResumeAfterCrashTest {
    @TempDir
    Path dir;

    @Test
    void should_resume_each_job_at_its_next_step_when_serve_starts_after_a_kill() throws Exception {
        WireMockServer wm = Stubs.wireMock();
        try {
            Home home = new Home(dir);
            JobStore store = new JobStore(home, Json.mapper(), Clock.systemUTC());
            // killed after its image was stored and recorded, before "succeeded"
            byte[] stored = GenerationHarness.png(16, 16);
            JobDocument rendered = running(store, "rendered-1", Backend.LOCAL);
            Path image = store.imagesDir(rendered.task(), "rendered-1").resolve("0.png");
            AtomicFiles.write(image, stored);
            store.update(rendered.withMeta(rendered.meta().withBackend("my-renderer")).withResult(List.of(
                    new JobDocument.ResultImage(0, "image", new JobDocument.ImageData(home.relative(image), null,
                            "image/png"), new JobDocument.ImageMeta(16, 16, 7L)))));
            // killed while polling: the task id was recorded right after the submit
            JobDocument submitted = running(store, "submitted-1", Backend.AUTO);
            store.update(submitted.withMeta(submitted.meta().withRemoteTaskId("t-crash").withBackend("remote")));
            wm.stubFor(get(urlEqualTo("/v1/tasks/t-crash")).willReturn(okJson(
                    GenerationHarness.succeeded(wm.baseUrl() + "/img/crash.png"))));
            wm.stubFor(get(urlPathEqualTo("/img/crash.png")).willReturn(aResponse().withBody(
                    GenerationHarness.png(12, 12))));
            // a renderer that would show any second render
            Files.createDirectories(home.routes());
            Files.copy(Path.of("examples", "local-http-renderer.camel.yaml"),
                    home.routes().resolve("local-http-renderer.camel.yaml"));
            wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/render"))
                    .willReturn(aResponse().withBody(GenerationHarness.png(16, 16))));

            Map<String, String> config = new HashMap<>(GenerationHarness.oneFastWorker(wm.baseUrl()));
            config.put("local.endpoint", "direct:my-renderer");
            config.put("my-renderer.url", wm.baseUrl() + "/render");
            JsonNode done;
            JsonNode polled;
            try (TopLorasRuntime rt = TopLorasRuntime.start(home, config, () -> Optional.of(GenerationHarness.TOKEN),
                    Clock.systemUTC())) {
                done = awaitStatus(home, "rendered-1", "succeeded");
                polled = awaitStatus(home, "submitted-1", "succeeded");
            }

            assertThat(wm.findAll(postRequestedFor(urlEqualTo("/render")))).as("renders after the restart").isEmpty();
            assertThat(Files.readAllBytes(image)).isEqualTo(stored);
            assertThat(done.at("/meta/backend").asText()).isEqualTo("my-renderer");
            assertThat(done.at("/meta/attempts").asInt()).isEqualTo(2);
            assertThat(done.at("/result").size()).isEqualTo(1);

            assertThat(wm.findAll(postRequestedFor(anyUrl()).withUrl("/v1/images/generations")))
                    .as("submits after the restart").isEmpty();
            assertThat(wm.findAll(getRequestedFor(urlEqualTo("/v1/tasks/t-crash")))).isNotEmpty();
            assertThat(polled.at("/meta/remote_task_id").asText()).isEqualTo("t-crash");
            assertThat(polled.at("/meta/backend").asText()).isEqualTo("remote");
            assertThat(polled.at("/result/0/meta/width").asInt()).isEqualTo(12);
        } finally {
            wm.stop();
        }
    }

    static JobDocument running(JobStore store, String id, Backend backend) {
        JobRequest r = new JobRequest(id, GenerationHarness.TASK, "Qwen/Qwen-Image", Map.of(),
                new JobParams("crash " + id, null, "64x64", null, null, 7L, null, null), backend, null);
        JobDocument queued = store.create(JobDocument.queued(r, Clock.systemUTC().instant(), "test"));
        return store.moveTo(queued.withMeta(queued.meta().withAttempts(1)), JobStatus.RUNNING, "running");
    }
}
