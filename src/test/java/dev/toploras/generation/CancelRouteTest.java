package dev.toploras.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.toploras.generation.GenerationHarness.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.cli.ExitCode;
import dev.toploras.cli.TopLorasCommand;
import dev.toploras.support.GenerationRouteTestSupport;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * `cancel` on the route-test layer (generation.camel.yaml): a job hanging on ModelScope's poll and one queued behind
 * it, each cancelled with the CLI against the same home, end cancelled, the queued one without ever starting.
 */
class CancelRouteTest extends GenerationRouteTestSupport {
    final WireMockServer modelscope = Stubs.wireMock();

    @Override
    protected List<String> flows() {
        return GenerationHarness.PREVIEW_FLOWS;
    }

    @Override
    protected Supplier<Optional<String>> token() {
        return () -> Optional.of(GenerationHarness.TOKEN);
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("modelscope.inference-url", modelscope.baseUrl(), "generation.poll-interval", "20",
                "generation.poll-timeout", "60s");
    }

    @AfterAll
    void stopStub() {
        modelscope.stop();
    }

    @Test
    void should_cancel_a_running_job_at_its_next_poll_and_a_queued_job_before_it_runs() throws Exception {
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.prompt", equalTo("hang")))
                .willReturn(okJson(GenerationHarness.submitted("t-hang"))));
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-hang"))
                .willReturn(okJson(GenerationHarness.fixture("task_poll_pending.json"))));
        var running = start(job("running-1", "hang", "auto").toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(docFile("running-1"))
                && !doc("running-1").at("/meta/remote_task_id").isNull());
        accept(job("queued-1", "never", "local").toString());
        assertThat(doc("queued-1").path("status").asText()).isEqualTo("queued");
        String[] cli = {"--home", homeDir().toString(), "cancel"};

        assertThat(TopLorasCommand.run(cli[0], cli[1], cli[2], "queued-1")).isEqualTo(ExitCode.OK);
        assertThat(TopLorasCommand.run(cli[0], cli[1], cli[2], "running-1")).isEqualTo(ExitCode.OK);

        JsonNode cancelled = ended("running-1", running);
        assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.at("/started_at").isNull()).isFalse();
        // One worker: the queue hands the queued job over once the running one has ended.
        JsonNode neverRan = ended("queued-1", hand("queued-1"));
        assertThat(neverRan.path("status").asText()).isEqualTo("cancelled");
        assertThat(neverRan.at("/started_at").isNull()).as("a cancelled queued job never starts").isTrue();
        assertThat(homeDir().resolve("cache/outputs/text-to-image-synthesis/queued-1")).doesNotExist();
    }
}
