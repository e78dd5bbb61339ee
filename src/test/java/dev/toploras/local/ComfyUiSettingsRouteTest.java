package dev.toploras.local;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.toploras.local.ComfyUiRouteTest.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.support.Images;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ComfyUI flow under settings a user changes (one context for both): their own exported workflow
 * (local.comfyui.workflow) and a LoRA size cap (local.max-lora-bytes).
 */
class ComfyUiSettingsRouteTest extends LocalBackendRouteTestSupport {
    static final String FLUX = "black-forest-labs/FLUX.1-dev";
    final byte[] png = Images.png(128, 96);

    ComfyUiSettingsRouteTest() {
        super(Backend.COMFYUI);
    }

    /** The workflow lies in the home, as a user's does: the setting is read (and the file checked) at start. */
    @Override
    Map<String, String> more() {
        try {
            Files.writeString(homeDir().resolve("flux.json"), LocalStubs.fixture("comfyui/workflow_flux_api.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.of("local.comfyui.workflow", "flux.json",
                "local.checkpoints", FLUX + "=flux1-dev-fp8.safetensors," + SDXL + "=sd_xl_base_1.0.safetensors",
                "local.max-lora-bytes", "1000");
    }

    @Test
    void should_submit_the_users_workflow_filled_in_when_local_comfyui_workflow_is_set() throws Exception {
        // Under the class's 1000-byte cap: the workflow is what this test is about.
        LocalStubs.Weight a = LocalStubs.weight("painter/ink-wash", "ink-wash.safetensors", 900, 1);
        LocalStubs.modelScope(modelScope, a);
        LocalStubs.comfy(backend, "p-w", List.of(a.storedName()), png, "comfyui/history_success.json");

        JsonNode doc = run(job("w-1", FLUX, Map.of(a.modelId(), 1.0)));

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode graph = JSON.readTree(backend.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(0)
                .getBodyAsString()).path("prompt");
        assertThat(graph.at("/10/inputs/unet_name").asText()).isEqualTo("flux1-dev-fp8.safetensors");
        assertThat(graph.at("/20/inputs/lora_name").asText()).isEqualTo(a.storedName());
        assertThat(graph.at("/25/inputs/noise_seed").asLong()).isEqualTo(4242);
        assertThat(graph.at("/27/inputs/width").asInt()).isEqualTo(128);
        assertThat(graph.at("/6/inputs/text").asText()).isEqualTo("a heron in the mist, highly detailed");
        assertThat(doc.at("/meta/local/workflow").asText()).endsWith("flux.json");
    }

    @Test
    void should_fail_before_downloading_when_the_file_is_over_the_cap() throws Exception {
        LocalStubs.Weight a = LocalStubs.weight("painter/over-cap", "ink-wash.safetensors", 70_000, 2);
        LocalStubs.modelScope(modelScope, a);
        LocalStubs.comfy(backend, "p-8", List.of(), png, "comfyui/history_success.json");

        JsonNode doc = run(job("b-1", SDXL, Map.of(a.modelId(), 1.0)));

        assertThat(doc.at("/error/code").asText()).isEqualTo("payload_too_large");
        assertThat(doc.at("/error/message").asText()).contains("local.max-lora-bytes");
        assertThat(modelScope.findAll(getRequestedFor(urlPathEqualTo("/api/v1/models/" + a.modelId() + "/repo"))))
                .isEmpty();
    }
}
