package dev.toploras.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local backend when it is the user's own image server, and a full queue answered over HTTP. */
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
    void should_render_on_the_users_own_openai_images_server_when_local_url_is_set() throws Exception {
        byte[] png = Images.png(64, 64);
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.response_format", equalTo("b64_json")))
                .willReturn(okJson("{\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(png) + "\"}]}")));
        served = Stubs.serve(home, Map.of("local.url", wm.baseUrl()));

        served.http().post("/api/v1/generate", job("own-1", "local"));
        JsonNode doc = awaitStatus("own-1", "succeeded");

        assertThat(doc.at("/meta/backend").asText()).isEqualTo("local-openai");
        assertThat(Files.readAllBytes(home.resolve(doc.at("/result/0/data/url").asText()))).isEqualTo(png);
        assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/v1/images/generations"))).get(0)
                .containsHeader("Authorization")).isFalse();
    }

    @Test
    void should_fail_the_job_clearly_when_the_users_server_sends_no_image() throws Exception {
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations")).willReturn(okJson("{\"data\":[]}")));
        served = Stubs.serve(home, Map.of("local.url", wm.baseUrl()));

        served.http().post("/api/v1/generate", job("own-2", "local"));
        JsonNode doc = awaitStatus("own-2", "failed");

        assertThat(doc.at("/error/message").asText()).contains("no b64_json image");
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
