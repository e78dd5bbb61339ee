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
}
