package dev.toploras.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.storage.Json;
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
