package dev.toploras.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.toploras.generation.GenerationHarness.awaitStatus;
import static dev.toploras.generation.GenerationHarness.drop;
import static dev.toploras.generation.GenerationHarness.events;
import static dev.toploras.generation.GenerationHarness.job;
import static dev.toploras.generation.GenerationHarness.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.jobs.Backend;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.runtime.TopLorasRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop the runtime with a job polling ModelScope and one queued; start it again: each finishes exactly once. */
class RestartTest {
    @TempDir
    Path dir;

    @Test
    void should_finish_queued_and_running_jobs_once_after_a_restart() throws Exception {
        WireMockServer modelscope = new WireMockServer(wireMockConfig().dynamicPort());
        modelscope.start();
        try {
            modelscope.stubFor(post(urlEqualTo("/v1/images/generations"))
                    .willReturn(okJson(GenerationHarness.submitted("t-restart"))));
            modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-restart")).inScenario("restart")
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(okJson(GenerationHarness.fixture("task_poll_pending.json"))));
            modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-restart")).inScenario("restart")
                    .whenScenarioStateIs("finished")
                    .willReturn(okJson(GenerationHarness.succeeded(modelscope.baseUrl() + "/img/r.png"))));
            modelscope.stubFor(get(urlPathEqualTo("/img/r.png")).willReturn(aResponse().withStatus(200)
                    .withBody(GenerationHarness.png(32, 32))));
            Home home = new Home(dir);
            Map<String, String> config = new HashMap<>(GenerationHarness.oneFastWorker(modelscope.baseUrl()));
            config.put("camel.main.shutdown-timeout", "10");

            try (TopLorasRuntime first = TopLorasRuntime.start(home, config, () -> Optional.of(GenerationHarness.TOKEN),
                    Clock.systemUTC())) {
                drop(home, job("polling-1", "restart me", "auto"));
                Path polling = GenerationHarness.doc(home, "polling-1");
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(polling)
                        && !read(polling).at("/meta/remote_task_id").isNull());
                drop(home, job("waiting-1", "behind it", "local"));
                awaitStatus(home, "waiting-1", "queued");
            }
            assertThat(read(GenerationHarness.doc(home, "polling-1")).path("status").asText()).isEqualTo("running");
            assertThat(read(GenerationHarness.doc(home, "waiting-1")).path("status").asText()).isEqualTo("queued");
            // A crash between "running" and the submit leaves a running job without a remote task id.
            JobStore store = new JobStore(home, Json.mapper(), Clock.systemUTC());
            JobRequest crashed = new JobRequest("crashed-1", GenerationHarness.TASK, "Qwen/Qwen-Image", Map.of(),
                    new JobParams("crashed", null, "64x64", null, null, 1L, null, null), Backend.LOCAL, null);
            JobDocument queued = store.create(JobDocument.queued(crashed, Clock.systemUTC().instant(), "test"));
            store.moveTo(queued.withMeta(queued.meta().withAttempts(1)), JobStatus.RUNNING, "running");
            modelscope.setScenarioState("restart", "finished");

            try (TopLorasRuntime second = TopLorasRuntime.start(home, config,
                    () -> Optional.of(GenerationHarness.TOKEN), Clock.systemUTC())) {
                JsonNode resumed = awaitStatus(home, "polling-1", "succeeded");
                awaitStatus(home, "waiting-1", "succeeded");
                JsonNode rerun = awaitStatus(home, "crashed-1", "succeeded");

                assertThat(resumed.at("/meta/attempts").asInt()).isEqualTo(2);
                assertThat(resumed.at("/meta/remote_task_id").asText()).isEqualTo("t-restart");
                assertThat(rerun.at("/meta/attempts").asInt()).isEqualTo(2);
                modelscope.verify(1, postRequestedFor(urlEqualTo("/v1/images/generations")));
                for (String id : new String[] {"polling-1", "waiting-1", "crashed-1"}) {
                    assertThat(events(home, id)).as(id).filteredOn(e -> e.path("type").asText().equals("done"))
                            .hasSize(1);
                }
            }
        } finally {
            modelscope.stop();
        }
    }
}
