package dev.toploras.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.toploras.generation.GenerationHarness.awaitStatus;
import static dev.toploras.generation.GenerationHarness.drop;
import static dev.toploras.generation.GenerationHarness.job;
import static dev.toploras.generation.GenerationHarness.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.cli.ExitCode;
import dev.toploras.cli.TopLorasCommand;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One worker, one job hanging on ModelScope, one waiting behind it: `cancel` stops exactly those jobs. */
class CancelTest {
    @TempDir
    Path dir;

    @Test
    void should_cancel_a_running_job_at_its_next_poll_and_a_queued_job_before_it_runs() throws Exception {
        WireMockServer modelscope = new WireMockServer(wireMockConfig().dynamicPort());
        modelscope.start();
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.prompt", equalTo("hang")))
                .willReturn(okJson(GenerationHarness.submitted("t-hang"))));
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-hang"))
                .willReturn(okJson(GenerationHarness.fixture("task_poll_pending.json"))));
        Home home = new Home(dir);
        try (TopLorasRuntime runtime = TopLorasRuntime.start(home,
                GenerationHarness.oneFastWorker(modelscope.baseUrl()), () -> Optional.of(GenerationHarness.TOKEN),
                Clock.systemUTC())) {
            drop(home, job("running-1", "hang", "auto"));
            Path running = GenerationHarness.doc(home, "running-1");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(running)
                    && !read(running).at("/meta/remote_task_id").isNull());
            drop(home, job("queued-1", "never", "local"));
            awaitStatus(home, "queued-1", "queued");
            String[] cli = {"--home", home.root().toString(), "cancel"};

            assertThat(TopLorasCommand.run(cli[0], cli[1], cli[2], "queued-1")).isEqualTo(ExitCode.OK);
            assertThat(TopLorasCommand.run(cli[0], cli[1], cli[2], "running-1")).isEqualTo(ExitCode.OK);

            JsonNode cancelled = awaitStatus(home, "running-1", "cancelled");
            assertThat(cancelled.at("/started_at").isNull()).isFalse();
            JsonNode neverRan = awaitStatus(home, "queued-1", "cancelled");
            assertThat(neverRan.at("/started_at").isNull()).as("a cancelled queued job never starts").isTrue();
            assertThat(home.cache().resolve("outputs/text-to-image-synthesis/queued-1")).doesNotExist();
        } finally {
            modelscope.stop();
        }
    }
}
