package dev.toploras.local.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.local.LocalFailures;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A workflow's $image placeholders and the built-in graph made image-to-image, against the graph a real ComfyUI
 * accepted (comfyui/prompt_img2img.request.json: LoadImage → VAEEncode → KSampler latent_image, denoise 0.6).
 */
class ComfyInputsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_fill_each_image_placeholder_with_its_uploaded_name_and_leave_other_text_alone() throws Exception {
        JsonNode template = JSON.readTree("""
                {"1": {"class_type": "LoadImage", "inputs": {"image": "$image"}},
                 "2": {"class_type": "LoadImage", "inputs": {"image": "$image_2"}},
                 "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "$image is not a placeholder here"}}}
                """);
        ObjectNode g = ComfyInputs.fillImages(template, "wf.json", List.of("a.png", "toploras/b (1).png"));
        assertThat(g.at("/1/inputs/image").asText()).isEqualTo("a.png");
        assertThat(g.at("/2/inputs/image").asText()).isEqualTo("toploras/b (1).png");
        assertThat(g.at("/3/inputs/text").asText()).isEqualTo("$image is not a placeholder here");
        assertThatThrownBy(() -> ComfyInputs.fillImages(template, "wf.json", List.of("a.png")))
                .isInstanceOf(LocalFailures.WorkflowInvalid.class).hasMessageContaining("$image_2");
    }

    @Test
    void should_turn_the_built_in_graph_into_the_img2img_shape_comfyui_accepted() throws Exception {
        ObjectNode g = JSON.createObjectNode();
        g.putObject("4").put("class_type", "CheckpointLoaderSimple").putObject("inputs").put("ckpt_name", "m");
        g.putObject("5").put("class_type", "EmptyLatentImage").putObject("inputs").put("width", 64);
        ObjectNode k = g.putObject("3");
        k.put("class_type", "KSampler");
        k.putObject("inputs").put("denoise", 1.0).set("latent_image", ComfyGraph.link(JSON, "5", 0));
        ComfyInputs.toImageToImage(JSON, g, List.of("fixture-input.png"), 0.6);

        JsonNode accepted;
        try (InputStream in = getClass().getResourceAsStream("/comfyui/prompt_img2img.request.json")) {
            accepted = JSON.readTree(in).path("prompt");
        }
        // the same chain as the accepted graph, whatever the node ids
        assertThat(accepted.at("/5/class_type").asText()).isEqualTo("LoadImage");
        assertThat(accepted.at("/9/inputs/pixels/0").asText()).isEqualTo("5");
        assertThat(accepted.at("/6/inputs/latent_image/0").asText()).isEqualTo("9");
        String load = g.at("/5/inputs/pixels/0").asText();
        assertThat(g.at("/" + load + "/class_type").asText()).isEqualTo("LoadImage");
        assertThat(g.at("/" + load + "/inputs/image").asText()).isEqualTo("fixture-input.png");
        assertThat(g.at("/5/class_type").asText()).isEqualTo("VAEEncode");
        assertThat(g.at("/5/inputs/vae").toString()).isEqualTo(accepted.at("/9/inputs/vae").toString()
                .replace("\"1\"", "\"4\""));
        assertThat(g.at("/3/inputs/latent_image/0").asText()).isEqualTo("5");
        assertThat(g.at("/3/inputs/denoise").asDouble()).isEqualTo(accepted.at("/6/inputs/denoise").asDouble());
    }
}
