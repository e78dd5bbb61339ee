package dev.toploras.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.inputs.InputSettings;
import dev.toploras.inputs.InputStore;
import dev.toploras.jobs.Backend;
import dev.toploras.jobs.InputImage;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.support.Images;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's side of the claim: the token goes back with the result, and a lost claim hands the job back. */
class WorkerStepsTest {
    private final ObjectMapper json = Json.mapper();
    @TempDir
    Path scratch;

    private WorkerSteps seeded(String token) throws Exception {
        WorkerSteps steps = new WorkerSteps("w-1", new JobStore(new Home(scratch), json, Clock.systemUTC()), json);
        JobRequest r = new JobRequest("job-1", "text-to-image-synthesis", "Qwen/Qwen-Image", Map.of(),
                new JobParams("a cat", null, "64x64", null, null, 1L, null, null), Backend.LOCAL, null);
        JobDocument running = JobDocument.queued(r, Instant.now(), "coordinator").withStatus(JobStatus.RUNNING,
                Instant.now());
        assertThat(steps.seed(json.writeValueAsString(new WorkMessages.ClaimReply(true, null, running, token))))
                .isTrue();
        return steps;
    }

    @Test
    void should_send_the_claim_token_back_with_the_result_when_the_job_has_ended() throws Exception {
        WorkerSteps steps = seeded("tok-123");
        JobStore store = new JobStore(new Home(scratch), json, Clock.systemUTC());
        store.moveTo(store.find("job-1").orElseThrow(), JobStatus.CANCELLED, "cancelled on request");

        WorkMessages.Result result = json.readValue(steps.result("job-1"), WorkMessages.Result.class);

        assertThat(result.token()).isEqualTo("tok-123");
    }

    @Test
    void should_hand_the_job_back_rather_than_acknowledge_it_when_the_coordinator_lost_the_claim() throws Exception {
        WorkerSteps steps = seeded("tok-123");

        assertThatThrownBy(() -> steps.stored("job-1", json.writeValueAsString(
                new WorkMessages.Stored(false, "no claim", true))))
                .isInstanceOf(BrokerException.class).hasMessageContaining("goes back to the queue");
        assertThat(json.readTree(steps.heartbeat()).path("busy").asInt()).isZero();
    }

    @Test
    void should_store_a_claimed_input_image_only_when_its_bytes_match_its_sha256() throws Exception {
        InputSettings limits = new InputSettings(100_000, 1_000_000, Duration.ofSeconds(5), "", false);
        InputStore inputs = new InputStore(scratch.resolve("cache/inputs"), limits);
        WorkerSteps steps = new WorkerSteps("w-1", new JobStore(new Home(scratch), json, Clock.systemUTC()), json)
                .withInputs(inputs);
        byte[] png = Images.png(8, 8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));
        JobRequest r = new JobRequest("job-2", "image-to-image", "Qwen/Qwen-Image-Edit", Map.of(),
                new JobParams("edit", null, "64x64", null, null, 1L, null, null), Backend.LOCAL, null)
                .withInputs(List.of(new InputImage(0, sha, "image/png", 8, 8, "upload:" + sha)));
        JobDocument running = JobDocument.queued(r, Instant.now(), "coordinator").withStatus(JobStatus.RUNNING,
                Instant.now());

        byte[] damaged = Images.png(9, 8);
        assertThatThrownBy(() -> steps.seed(json.writeValueAsString(new WorkMessages.ClaimReply(true, null, running,
                "t", List.of(new WorkMessages.Input(sha, damaged))))))
                .isInstanceOf(BrokerException.class).hasMessageContaining("arrived with other bytes");
        assertThat(inputs.file(sha)).isEmpty();

        assertThat(steps.seed(json.writeValueAsString(new WorkMessages.ClaimReply(true, null, running, "t",
                List.of(new WorkMessages.Input(sha, png)))))).isTrue();
        assertThat(inputs.file(sha)).hasValueSatisfying(p -> assertThat(p).hasBinaryContent(png));
    }
}
