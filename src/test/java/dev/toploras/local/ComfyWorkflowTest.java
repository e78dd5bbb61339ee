package dev.toploras.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.local.comfyui.ComfyWorkflow;
import dev.toploras.local.loras.LoraFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Filling a user's exported API-format workflow (local.comfyui.workflow). */
class ComfyWorkflowTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final RenderJob JOB = new RenderJob("j-1", "black-forest-labs/FLUX.1-dev", "a heron", "", 832, 1216, 28,
            3.5, 987654321L, null, Map.of());

    static JsonNode template() throws Exception {
        return JSON.readTree(LocalStubs.fixture("comfyui/workflow_flux_api.json"));
    }

    static WeightedLora lora(String file, double w) {
        return new WeightedLora(new LoraFile("o/" + file, file, "ab", 1, Path.of(file), false), w);
    }

    @Test
    void should_fill_every_placeholder_with_its_typed_value_when_the_workflow_marks_them() throws Exception {
        ObjectNode g = ComfyWorkflow.fill(JSON, template(), "flux.json", JOB, "flux1-dev-fp8.safetensors",
                List.of(lora("ink.safetensors", 0.7)));

        assertThat(g.at("/10/inputs/unet_name").asText()).isEqualTo("flux1-dev-fp8.safetensors");
        assertThat(g.at("/6/inputs/text").asText()).isEqualTo("a heron, highly detailed");
        assertThat(g.at("/25/inputs/noise_seed").isNumber()).isTrue();
        assertThat(g.at("/25/inputs/noise_seed").asLong()).isEqualTo(987654321L);
        assertThat(g.at("/27/inputs/width").asInt()).isEqualTo(832);
        assertThat(g.at("/27/inputs/height").asInt()).isEqualTo(1216);
        assertThat(g.at("/17/inputs/steps").asInt()).isEqualTo(28);
        assertThat(g.at("/26/inputs/guidance").asDouble()).isEqualTo(3.5);
        assertThat(g.at("/20/inputs/lora_name").asText()).isEqualTo("ink.safetensors");
        assertThat(g.at("/20/inputs/strength_model").asDouble()).isEqualTo(0.7);
        assertThat(g.toString()).doesNotContain("$");
    }

    @Test
    void should_chain_one_loader_per_lora_and_repoint_its_readers_when_the_job_has_two() throws Exception {
        ObjectNode g = ComfyWorkflow.fill(JSON, template(), "flux.json", JOB, "flux.safetensors",
                List.of(lora("ink.safetensors", 0.6), lora("soft.safetensors", 0.4)));

        assertThat(g.at("/20/inputs/lora_name").asText()).isEqualTo("ink.safetensors");
        assertThat(g.at("/20/inputs/model").toString()).isEqualTo("[\"10\",0]");
        assertThat(g.at("/20/inputs/clip").toString()).isEqualTo("[\"11\",0]");
        assertThat(g.at("/20_2/inputs/lora_name").asText()).isEqualTo("soft.safetensors");
        assertThat(g.at("/20_2/inputs/strength_clip").asDouble()).isEqualTo(0.4);
        // The second loader reads the first one's MODEL (0) and CLIP (1).
        assertThat(g.at("/20_2/inputs/model").toString()).isEqualTo("[\"20\",0]");
        assertThat(g.at("/20_2/inputs/clip").toString()).isEqualTo("[\"20\",1]");
        assertThat(g.at("/6/inputs/clip").toString()).isEqualTo("[\"20_2\",1]");
        assertThat(g.at("/17/inputs/model").toString()).isEqualTo("[\"20_2\",0]");
        assertThat(g.at("/22/inputs/model").toString()).isEqualTo("[\"20_2\",0]");
    }

    @Test
    void should_remove_the_lora_node_and_link_around_it_when_the_job_has_no_lora() throws Exception {
        ObjectNode g = ComfyWorkflow.fill(JSON, template(), "flux.json", JOB, "flux.safetensors", List.of());

        assertThat(g.has("20")).isFalse();
        assertThat(g.at("/6/inputs/clip").toString()).isEqualTo("[\"11\",0]");
        assertThat(g.at("/17/inputs/model").toString()).isEqualTo("[\"10\",0]");
    }

    @Test
    void should_refuse_a_ui_format_export_with_a_message_saying_how_to_export() {
        ObjectNode ui = JSON.createObjectNode();
        ui.putArray("nodes");
        ui.putArray("links");

        assertThatThrownBy(() -> ComfyWorkflow.fill(JSON, ui, "ui.json", JOB, "c", List.of()))
                .hasMessageContaining("UI format").hasMessageContaining("Save (API Format)");
    }

    @Test
    void should_refuse_a_workflow_without_a_lora_node_when_the_job_has_loras() throws Exception {
        ObjectNode g = (ObjectNode) template();
        ((ObjectNode) g.at("/20/inputs")).put("lora_name", "fixed.safetensors");

        assertThatThrownBy(() -> ComfyWorkflow.fill(JSON, g, "flux.json", JOB, "c",
                List.of(lora("ink.safetensors", 1.0)))).hasMessageContaining("$lora");
    }
}
