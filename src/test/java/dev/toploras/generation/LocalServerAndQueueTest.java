package dev.toploras.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.Stubs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full queue answered over HTTP (503 queue_full). The local backend as the user's own image server is
 * LocalServerRouteTest's.
 */
class LocalServerAndQueueTest {
    static final ObjectMapper JSON = new ObjectMapper();
    WireMockServer wm;
    Stubs.Served served;

    @TempDir
    Path home;

    @BeforeEach
    void stub() {
        wm = Stubs.wireMock();
    }

    @AfterEach
    void stop() {
        if (served != null) {
            served.runtime().close();
        }
        wm.stop();
    }

    static String job(String id, String backend) {
        return "{\"job_id\":\"" + id + "\",\"task\":\"text-to-image-synthesis\",\"model_id\":\"Qwen/Qwen-Image\","
                + "\"params\":{\"prompt\":\"a red kite\",\"size\":\"64x64\"},\"backend\":\"" + backend + "\"}";
    }

    JsonNode awaitStatus(String id, String status) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> JSON.readTree(served.http().get("/api/v1/generate/" + id).body()),
                        j -> status.equals(j.path("status").asText()));
    }

    @Test
    void should_refuse_a_job_with_503_when_the_queue_is_full() throws Exception {
        // One worker, a queue of one, and a remote job that never finishes: the third job finds no room.
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations"))
                .willReturn(okJson("{\"task_status\":\"SUCCEED\",\"task_id\":\"t-stuck\"}")));
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/v1/tasks/t-stuck"))
                .willReturn(okJson("{\"task_status\":\"RUNNING\"}")));
        served = Stubs.serve(home, Map.of("modelscope.inference-url", wm.baseUrl(), "generation.queue-size", "1",
                "generation.concurrent-consumers", "1", "generation.poll-interval", "50"));

        served.http().post("/api/v1/generate", job("q-1", "remote"), "X-ModelScope-Token", "t");
        awaitStatus("q-1", "running");
        HttpResponse<String> second = served.http().post("/api/v1/generate", job("q-2", "local"));
        HttpResponse<String> third = served.http().post("/api/v1/generate", job("q-3", "local"));

        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(third.body()).at("/error/code").asText()).isEqualTo("queue_full");
        assertThat(served.http().get("/api/v1/generate/q-3").statusCode()).isEqualTo(404);
        served.http().post("/api/v1/generate/q-1/cancel", "");
        awaitStatus("q-2", "succeeded");
    }
}
