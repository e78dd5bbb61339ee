package dev.toploras.local;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20.5 through `serve`: a stored LoRA replaced by other bytes of the same size is found out before a job uses
 * it, fetched again, and the job says so in meta.notes. ModelScope and ComfyUI are the LocalStubs WireMock stubs.
 */
class StoredLoraVerifyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalStubs.Weight A = LocalStubs.weight("painter/ink-wash", "ink-wash.safetensors", 30_000, 11);
    WireMockServer modelScope;
    WireMockServer comfy;
    Stubs.Served served;

    @TempDir
    Path home;

    @BeforeEach
    void stubs() {
        modelScope = Stubs.wireMock();
        comfy = Stubs.wireMock();
        LocalStubs.modelScope(modelScope, A);
        LocalStubs.comfy(comfy, "p-v", List.of(A.storedName()), Images.png(64, 64), "comfyui/history_success.json");
    }

    @AfterEach
    void stop() {
        if (served != null) {
            served.runtime().close();
        }
        modelScope.stop();
        comfy.stop();
    }

    static String job(String id) throws Exception {
        return JSON.writeValueAsString(Map.of("job_id", id, "task", "text-to-image-synthesis",
                "model_id", "stabilityai/stable-diffusion-xl-base-1.0", "loras", Map.of(A.modelId(), 1.0),
                "params", Map.of("prompt", "a heron", "size", "64x64", "seed", 3), "backend", "local"));
    }

    @Test
    void should_fetch_a_tampered_stored_lora_again_and_note_it() throws Exception {
        Map<String, String> cfg = LocalStubs.comfyConfig(comfy.baseUrl(), modelScope.baseUrl());
        served = Stubs.serve(home, cfg);
        served.http().post("/api/v1/generate", job("v-1"));
        assertThat(served.jobWhenEnded("v-1").path("status").asText()).isEqualTo("succeeded");
        Path stored = home.resolve("loras").resolve(A.storedName());
        byte[] tampered = A.bytes().clone();
        tampered[100] ^= 0x01;
        Files.write(stored, tampered);

        served.http().post("/api/v1/generate", job("v-2"));
        JsonNode doc = served.jobWhenEnded("v-2");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(modelScope.findAll(getRequestedFor(urlPathEqualTo("/api/v1/models/" + A.modelId() + "/repo"))))
                .hasSize(2);
        assertThat(Files.readAllBytes(stored)).isEqualTo(A.bytes());
        assertThat(doc.at("/meta/notes").toString()).contains("LORA_FILE_REPLACED");
        assertThat(doc.at("/meta/local/loras/0/downloaded").asBoolean()).isTrue();
    }
}
