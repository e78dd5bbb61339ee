package dev.toploras.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one ModelScope id rule (issue 18.1): owner/name, each part [A-Za-z0-9][A-Za-z0-9._-]*. */
class ModelIdTest {
    private final JobRequestReader reader = new JobRequestReader(Json.mapper(), Set.of("text-to-image-synthesis"));

    @Test
    void should_accept_the_ids_modelscope_uses() {
        for (String id : new String[] {"Qwen/Qwen-Image", "AI-ModelScope/next-scene-qwen-image-lora-2509",
                "lightx2v/Wan2.2-Distill-Loras", "fireicewolf/DukeG_Qwen_Beauty_P", "a/b"}) {
            assertThat(ModelId.valid(id)).as(id).isTrue();
            assertThat(ModelId.parse("loras", id).toString()).isEqualTo(id);
        }
    }

    @Test
    void should_refuse_placeholders_expressions_endpoint_options_and_paths() {
        for (String id : new String[] {"inj/{{env:MODELSCOPE_API_TOKEN}}/repo/files?proxyHost=127.0.0.1&proxyPort=9&z=",
                "a/{{sys:user.home}}", "a/${sys:user.home}", "a/b?proxyHost=x", "a/b&z=1", "a/b/c", "a", "/a",
                "a/", "../a", "a/..", "a/.hidden", ".a/b", "a/-b", "a/b c", "a/b%2e", "a/b#x", "a/b\n", "", null,
                "a/" + "x".repeat(101)}) {
            assertThat(ModelId.valid(id)).as(String.valueOf(id)).isFalse();
            assertThatThrownBy(() -> ModelId.parse("loras", id)).isInstanceOf(InvalidJobRequestException.class)
                    .hasMessageContaining("loras").hasMessageContaining("owner/name");
        }
    }

    @Test
    void should_encode_each_part_as_a_path_segment() {
        assertThat(ModelId.parse("loras", "AI-ModelScope/next.scene_v2").pathSegments())
                .isEqualTo("AI-ModelScope/next.scene_v2");
    }

    @Test
    void should_refuse_a_job_whose_lora_or_model_id_breaks_the_rule_naming_the_field() {
        String lora = "{\"task\": \"text-to-image-synthesis\", \"model_id\": \"Qwen/Qwen-Image\", \"loras\":"
                + " {\"inj/{{env:MODELSCOPE_API_TOKEN}}/repo/files?proxyHost=127.0.0.1&proxyPort=9&z=\": 1.0},"
                + " \"params\": {\"prompt\": \"a kite\"}, \"backend\": \"local\"}";
        String single = "{\"task\": \"text-to-image-synthesis\", \"model_id\": \"Qwen/Qwen-Image\", \"loras\":"
                + " \"a/${sys:user.home}\", \"params\": {\"prompt\": \"a kite\"}}";
        String model = "{\"task\": \"text-to-image-synthesis\", \"model_id\": \"Qwen/{{env:HOME}}\","
                + " \"params\": {\"prompt\": \"a kite\"}}";

        assertThatThrownBy(() -> reader.read(lora.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidJobRequestException.class).hasMessageStartingWith("loras '")
                .extracting(e -> ((InvalidJobRequestException) e).problem().details().get("field")).isEqualTo("loras");
        assertThatThrownBy(() -> reader.read(single.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidJobRequestException.class).hasMessageStartingWith("loras '");
        assertThatThrownBy(() -> reader.read(model.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidJobRequestException.class).hasMessageStartingWith("model_id '")
                .extracting(e -> ((InvalidJobRequestException) e).problem().details().get("field")).isEqualTo("model_id");
    }
}
