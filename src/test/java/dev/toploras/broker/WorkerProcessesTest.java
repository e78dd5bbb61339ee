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
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.toploras.generation.GenerationHarness;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real worker processes (their own JVMs, homes and MODELSCOPE_API_TOKEN) against a coordinator with an embedded
 * Artemis. ModelScope API-Inference is a WireMock stub shaped like the fixtures under src/test/resources/modelscope.
 */
class WorkerProcessesTest {
    @TempDir
    Path home;
    @TempDir
    Path workerHomes;
    final Map<String, Process> workers = new HashMap<>();
    TopLorasRuntime coordinator;
    WireMockServer modelscope;

    @AfterEach
    void stop() {
        workers.values().forEach(Process::destroyForcibly);
        if (coordinator != null) {
            coordinator.close();
        }
        if (modelscope != null) {
            modelscope.stop();
        }
    }

    @Test
    void should_resume_the_remote_task_on_another_worker_when_the_worker_running_it_is_killed() throws Exception {
        modelscope = Stubs.wireMock();
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations"))
                .withHeader("Authorization", equalTo("Bearer worker-token"))
                .willReturn(okJson(GenerationHarness.submitted("t-kill"))));
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-kill")).inScenario("kill").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(GenerationHarness.fixture("task_poll_pending.json"))));
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-kill")).inScenario("kill").whenScenarioStateIs("done")
                .willReturn(okJson(GenerationHarness.succeeded(modelscope.baseUrl() + "/img/k.png"))));
        modelscope.stubFor(get(urlPathEqualTo("/img/k.png")).willReturn(aResponse().withStatus(200)
                .withBody(GenerationHarness.png(64, 64))));
        int port = Http.freePort();
        coordinator = BrokerHarness.start(home, BrokerHarness.coordinator(port, modelscope.baseUrl()), null);
        for (String name : List.of("w-a", "w-b")) {
            Path wh = Files.createDirectories(workerHomes.resolve(name));
            workers.put(name, BrokerHarness.workerProcess(name, port, modelscope.baseUrl(), 1, "worker-token", wh));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> coordinator.bean("brokerHealth",
                BrokerWiring.BrokerHealth.class).section().toString().contains("w-b"));
        await().atMost(Duration.ofSeconds(60)).until(() -> coordinator.bean("brokerHealth",
                BrokerWiring.BrokerHealth.class).section().toString().contains("w-a"));

        drop(home, job("killed-1", "remote"));
        Path file = doc(home, "killed-1");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(file)
                && !read(file).at("/meta/remote_task_id").isNull() && !read(file).at("/meta/worker").isNull());
        String first = read(file).at("/meta/worker").asText();
        workers.get(first).destroyForcibly().waitFor();
        modelscope.setScenarioState("kill", "done");

        await().atMost(Duration.ofSeconds(60)).until(() -> "succeeded".equals(status(home, "killed-1")));
        JsonNode d = read(file);
        assertThat(d.at("/meta/worker").asText()).isNotEqualTo(first).isIn("w-a", "w-b");
        assertThat(d.at("/meta/attempts").asInt()).isEqualTo(2);
        assertThat(d.at("/meta/remote_task_id").asText()).isEqualTo("t-kill");
        modelscope.verify(1, postRequestedFor(urlEqualTo("/v1/images/generations")));
        assertThat(home.resolve(d.at("/result/0/data/url").asText())).isRegularFile();
        List<String> lines = Files.readAllLines(file.resolveSibling("killed-1.events.jsonl"));
        assertThat(lines.stream().filter(l -> l.contains("\"type\":\"done\"")).count()).isEqualTo(1);
        assertThat(lines).anyMatch(l -> l.contains("resumed") && l.contains("t-kill"));
    }
}
