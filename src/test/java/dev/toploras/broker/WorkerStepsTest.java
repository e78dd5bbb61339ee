package dev.toploras.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.jobs.Backend;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.runtime.Home;
import dev.toploras.storage.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
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
}
