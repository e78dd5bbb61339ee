package dev.toploras.local;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.toploras.local.A1111RouteTest.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * local.backend=a1111 against an AUTOMATIC1111 API stub and a ModelScope model-files stub, through the HTTP API of a
 * whole `serve`: one job as a user meets it. The flow's other cases are route tests: A1111RouteTest,
 * A1111DownRouteTest.
 */
class A1111BackendTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalStubs.Weight A = LocalStubs.weight("painter/ink-wash", "ink-wash.safetensors", 40_000, 3);
    static final LocalStubs.Weight B = LocalStubs.weight("studio/soft-light", "soft_light_v2.safetensors", 30_000, 4);
    WireMockServer modelScope;
    WireMockServer a1111;
    Stubs.Served served;
    byte[] png = Images.png(128, 96);

    @TempDir
    Path home;

    @BeforeEach
    void stubs() {
        modelScope = Stubs.wireMock();
        a1111 = Stubs.wireMock();
    }

    @AfterEach
    void stop() {
        if (served != null) {
            served.runtime().close();
        }
        modelScope.stop();
        a1111.stop();
    }

    Map<String, String> config() {
        Map<String, String> m = new HashMap<>();
        m.put("local.backend", "a1111");
        m.put("local.a1111.url", a1111.baseUrl());
        m.put("modelscope.base-url", modelScope.baseUrl());
        m.put("local.checkpoints", "stabilityai/stable-diffusion-xl-base-1.0=sd_xl_base_1.0.safetensors");
        m.put("local.poll-interval", "20");
        // As in A1111RouteTest: txt2img waits on local.timeout, not on this short http.timeout.
        m.put("http.timeout", "1s");
        return m;
    }

    @Test
    void should_render_with_both_lora_tags_after_a_refresh_when_the_files_were_just_downloaded() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        LocalStubs.modelScope(modelScope, B);
        A1111RouteTest.a1111Stub(a1111, A1111RouteTest.reply(png), A, B);
        served = Stubs.serve(home, config());
        Map<String, Double> loras = new LinkedHashMap<>();
        loras.put(A.modelId(), 0.7);
        loras.put(B.modelId(), 0.3);

        served.http().post("/api/v1/generate", job("a-1", loras));
        JsonNode doc = served.jobWhenEnded("a-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode body = JSON.readTree(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img"))).get(0)
                .getBodyAsString());
        assertThat(body.path("prompt").asText()).startsWith("a heron in the mist ")
                .contains("<lora:" + A.stem() + ":0.7>").contains("<lora:" + B.stem() + ":0.3>");
        assertThat(body.path("seed").asLong()).isEqualTo(12345);
        assertThat(body.at("/override_settings/sd_model_checkpoint").asText()).isEqualTo("sd_xl_base_1.0.safetensors");
        assertThat(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/refresh-loras")))).hasSize(1);
        assertThat(doc.at("/meta/backend").asText()).isEqualTo("a1111");
        assertThat(Files.readAllBytes(home.resolve(doc.at("/result/0/data/url").asText()))).isEqualTo(png);
        assertThat(doc.at("/meta/local/params/seed").asLong()).isEqualTo(12345);
        List<String> hashes = new java.util.ArrayList<>();
        doc.at("/meta/local/loras").forEach(l -> hashes.add(l.path("sha256").asText()));
        assertThat(hashes).containsExactlyInAnyOrder(A.sha256(), B.sha256());
        List<String> steps = new java.util.ArrayList<>();
        doc.at("/meta/timing/steps").forEach(s -> steps.add(s.path("name").asText()));
        assertThat(steps).contains("lora_download", "render");
    }
}
