package dev.toploras.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of a job request a schema cannot say; the LoRA weight sum is ModelScope's, not a local backend's. */
class JobRequestReaderTest {
    private final JobRequestReader reader = new JobRequestReader(Json.mapper(), Set.of("text-to-image-synthesis"));

    private static byte[] request(String backend) {
        return ("{\"job_id\": \"w-1\", \"task\": \"text-to-image-synthesis\", \"model_id\": \"Qwen/Qwen-Image\","
                + " \"loras\": {\"a/one\": 0.8, \"b/two\": 0.45}, \"params\": {\"prompt\": \"a kite\"},"
                + " \"backend\": \"" + backend + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void should_keep_each_weight_as_given_when_the_job_renders_locally() {
        JobRequest r = reader.read(request("local"));

        assertThat(r.loras()).containsEntry("a/one", 0.8).containsEntry("b/two", 0.45);
    }

    @Test
    void should_refuse_weights_that_do_not_sum_to_one_when_modelscope_may_run_the_job() {
        for (String backend : new String[] {"auto", "remote"}) {
            assertThatThrownBy(() -> reader.read(request(backend)))
                    .isInstanceOf(InvalidJobRequestException.class)
                    .hasMessageContaining("must sum to 1.0")
                    .hasMessageContaining("\"backend\": \"local\"");
        }
    }

    @Test
    void should_hint_at_weight_1_or_a_local_backend_for_a_single_lora_at_0_8_with_backend_auto() {
        byte[] one = ("{\"job_id\": \"w-2\", \"task\": \"text-to-image-synthesis\", \"model_id\": \"Qwen/Qwen-Image\","
                + " \"loras\": {\"a/one\": 0.8}, \"params\": {\"prompt\": \"a kite\"}, \"backend\": \"auto\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> reader.read(one)).isInstanceOf(InvalidJobRequestException.class)
                .hasMessageContaining("a single LoRA goes to ModelScope at weight 1.0, this one has 0.8")
                .hasMessageContaining("give it 1.0").hasMessageContaining("\"backend\": \"local\"");
    }

    private static byte[] json(String loras, String backend) {
        return ("{\"task\": \"text-to-image-synthesis\", \"model_id\": \"Qwen/Qwen-Image\", \"loras\": " + loras
                + ", \"params\": {\"prompt\": \"a kite\"}, \"backend\": \"" + backend + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void should_take_negative_weights_and_separate_model_and_clip_strengths_for_a_local_job() {
        JobRequest r = reader.read(json("{\"a/slider\": -1.5, \"b/two\": {\"model\": 0.8, \"clip\": 0.6}}", "local"));

        assertThat(r.loras()).containsEntry("a/slider", -1.5).containsEntry("b/two", 0.8);
        assertThat(r.params().loraClip()).containsExactly(java.util.Map.entry("b/two", 0.6));
    }

    @Test
    void should_refuse_a_local_weight_outside_minus_two_to_two() {
        assertThatThrownBy(() -> reader.read(json("{\"a/one\": 2.5}", "local")))
                .isInstanceOf(InvalidJobRequestException.class).hasMessageContaining("-2 to 2");
    }

    @Test
    void should_keep_modelscopes_rules_where_modelscope_may_run_the_job() {
        assertThatThrownBy(() -> reader.read(json("{\"a/one\": -0.5, \"b/two\": 1.5}", "auto")))
                .isInstanceOf(InvalidJobRequestException.class).hasMessageContaining("above 0 and at most 1");
        assertThatThrownBy(() -> reader.read(json("{\"a/one\": {\"model\": 0.5, \"clip\": 0.2},"
                + " \"b/two\": 0.5}", "remote")))
                .isInstanceOf(InvalidJobRequestException.class).hasMessageContaining("\"backend\": \"local\" only");
    }

    @Test
    void should_take_an_installed_lora_for_a_local_job_only_and_by_a_strict_name() {
        assertThat(reader.read(json("\"local:style-00002.safetensors\"", "local")).loras())
                .containsOnlyKeys("local:style-00002.safetensors");
        assertThatThrownBy(() -> reader.read(json("\"local:style.safetensors\"", "auto")))
                .isInstanceOf(InvalidJobRequestException.class).hasMessageContaining("backend\": \"local\"");
        for (String bad : new String[] {"local:../x.safetensors", "local:sub/x.safetensors", "local:a\\\\b",
                "local:x:0.5>", "local:"}) {
            assertThatThrownBy(() -> reader.read(json("\"" + bad + "\"", "local"))).as(bad)
                    .isInstanceOf(InvalidJobRequestException.class).hasMessageContaining("GET /api/v1/local/loras");
        }
    }

    private JobRequest withImage(String ref) {
        return reader.read(("{\"task\": \"text-to-image-synthesis\", \"model_id\": \"Qwen/Qwen-Image-Edit\","
                + " \"images\": [" + Json.mapper().valueToTree(ref) + "], \"params\": {\"prompt\": \"x\"},"
                + " \"allow_base_mismatch\": true}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_take_image_refs_that_are_urls_uploads_or_plain_inbox_names() {
        assertThat(withImage("https://img.example.org/a.png").images()).containsExactly("https://img.example.org/a.png");
        assertThat(withImage("upload:" + "0f".repeat(32)).images()).hasSize(1);
        assertThat(withImage("photo 1.png").images()).containsExactly("photo 1.png");
        assertThat(withImage("photo.png").allowBaseMismatch()).isTrue();
    }

    @Test
    void should_refuse_image_refs_that_climb_out_of_the_inbox_or_name_another_scheme() {
        for (String bad : new String[] {"../secret.png", "sub/photo.png", "..\\x.png", ".hidden.png",
                "file:///etc/passwd", "upload:not-a-hash", "https://", "ftp://host/a.png"}) {
            assertThatThrownBy(() -> withImage(bad)).as(bad).isInstanceOf(InvalidJobRequestException.class)
                    .hasMessageContaining(bad.length() > 12 ? bad.substring(0, 12) : bad);
        }
    }
}
