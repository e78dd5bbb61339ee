package dev.toploras.local;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.toploras.local.ComfyUiRouteTest.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * local.backend=comfyui against a ComfyUI stub and a ModelScope model-files stub, through the HTTP API of a whole
 * `serve`: one job as a user meets it (POST, the job document, the image file, /api/health). The flow's other cases
 * are route tests: ComfyUiRouteTest, ComfyUiSettingsRouteTest, ComfyUiDownRouteTest.
 */
class ComfyUiBackendTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalStubs.Weight A = LocalStubs.weight("painter/ink-wash", "ink-wash.safetensors", 70_000, 1);
    static final LocalStubs.Weight B = LocalStubs.weight("studio/soft-light", "soft_light_v2.safetensors", 50_000, 2);
    WireMockServer modelScope;
    WireMockServer comfy;
    Stubs.Served served;
    byte[] png = Images.png(128, 96);

    @TempDir
    Path home;

    @BeforeEach
    void stubs() {
        modelScope = Stubs.wireMock();
        comfy = Stubs.wireMock();
    }

    @AfterEach
    void stop() {
        if (served != null) {
            served.runtime().close();
        }
        modelScope.stop();
        comfy.stop();
    }

    Map<String, String> config() {
        return LocalStubs.comfyConfig(comfy.baseUrl(), modelScope.baseUrl());
    }

    static String sdxl(String id) throws Exception {
        return job(id, "stabilityai/stable-diffusion-xl-base-1.0",
                new java.util.LinkedHashMap<>(Map.of(A.modelId(), 0.6)) {{
                    put(B.modelId(), 0.4);
                }});
    }

    @Test
    void should_render_with_both_loras_at_their_weights_when_a_job_has_two_loras() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        LocalStubs.modelScope(modelScope, B);
        LocalStubs.comfy(comfy, "p-1", List.of(A.storedName(), B.storedName(), "other.safetensors"), png,
                "comfyui/history_success.json");
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", sdxl("c-1"));
        JsonNode doc = served.jobWhenEnded("c-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode graph = JSON.readTree(comfy.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(0)
                .getBodyAsString()).path("prompt");
        Map<String, JsonNode> loaders = new HashMap<>();
        Map<String, String> idOf = new HashMap<>();
        graph.fields().forEachRemaining(n -> {
            if ("LoraLoader".equals(n.getValue().path("class_type").asText())) {
                loaders.put(n.getValue().at("/inputs/lora_name").asText(), n.getValue().path("inputs"));
                idOf.put(n.getValue().at("/inputs/lora_name").asText(), n.getKey());
            }
        });
        assertThat(loaders).containsOnlyKeys(A.storedName(), B.storedName());
        assertThat(loaders.get(A.storedName()).path("strength_model").asDouble()).isEqualTo(0.6);
        assertThat(loaders.get(A.storedName()).path("strength_clip").asDouble()).isEqualTo(0.6);
        assertThat(loaders.get(B.storedName()).path("strength_model").asDouble()).isEqualTo(0.4);
        assertThat(loaders.get(B.storedName()).path("strength_clip").asDouble()).isEqualTo(0.4);
        // A chain: one loader reads the checkpoint, the other reads that loader, the sampler reads the last.
        String first = loaders.get(A.storedName()).at("/model/0").asText().equals("4") ? A.storedName()
                : B.storedName();
        String second = first.equals(A.storedName()) ? B.storedName() : A.storedName();
        assertThat(loaders.get(second).at("/model/0").asText()).isEqualTo(idOf.get(first));
        assertThat(loaders.get(second).at("/clip/0").asText()).isEqualTo(idOf.get(first));
        assertThat(graph.at("/3/inputs/model/0").asText()).isEqualTo(idOf.get(second));
        assertThat(graph.at("/6/inputs/clip/0").asText()).isEqualTo(idOf.get(second));
        assertThat(graph.at("/3/inputs/seed").asLong()).isEqualTo(4242);
        assertThat(graph.at("/4/inputs/ckpt_name").asText()).isEqualTo("sd_xl_base_1.0.safetensors");
        assertThat(graph.at("/6/inputs/text").asText()).isEqualTo("a heron in the mist");

        assertThat(doc.at("/meta/backend").asText()).isEqualTo("comfyui");
        assertThat(Files.readAllBytes(home.resolve(doc.at("/result/0/data/url").asText()))).isEqualTo(png);
        List<String> hashes = new java.util.ArrayList<>();
        doc.at("/meta/local/loras").forEach(l -> hashes.add(l.path("sha256").asText()));
        assertThat(hashes).containsExactlyInAnyOrder(A.sha256(), B.sha256());
        assertThat(doc.at("/meta/local/params/seed").asLong()).isEqualTo(4242);
        List<String> steps = new java.util.ArrayList<>();
        doc.at("/meta/timing/steps").forEach(s -> steps.add(s.path("name").asText()));
        assertThat(steps).contains("lora_download", "queue_wait", "render", "fetch_images");
        assertThat(Files.readAllBytes(home.resolve("loras").resolve(A.storedName()))).isEqualTo(A.bytes());
        String events = Files.readString(home.resolve("cache/outputs/text-to-image-synthesis/c-1.events.jsonl"));
        assertThat(events).contains("\"DOWNLOADING\"").contains("\"progress\":100").contains("ComfyUI is rendering");
        JsonNode health = JSON.readTree(served.http().get("/api/health").body()).path("local");
        assertThat(health.path("reachable").asBoolean()).isTrue();
        assertThat(health.path("loras").toString()).contains(A.storedName()).contains(B.storedName());
        assertThat(comfy.findAll(getRequestedFor(urlPathEqualTo("/view"))).get(0).getUrl())
                .contains("filename=job_00001_.png").contains("subfolder=toploras").contains("type=output");
    }
}
