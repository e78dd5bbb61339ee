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

    @Test
    void should_hint_at_weight_1_or_a_local_backend_for_a_single_lora_at_0_8_with_backend_auto() {
        byte[] one = ("{\"job_id\": \"w-2\", \"task\": \"text-to-image-synthesis\", \"model_id\": \"Qwen/Qwen-Image\","
                + " \"loras\": {\"a/one\": 0.8}, \"params\": {\"prompt\": \"a kite\"}, \"backend\": \"auto\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> reader.read(one)).isInstanceOf(InvalidJobRequestException.class)
                .hasMessageContaining("a single LoRA goes to ModelScope at weight 1.0, this one has 0.8")
                .hasMessageContaining("give it 1.0").hasMessageContaining("\"backend\": \"local\"");
    }
}
