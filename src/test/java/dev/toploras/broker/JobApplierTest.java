package dev.toploras.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.jobs.Backend;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobEvent;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.jobs.Stage;
import dev.toploras.runtime.Home;
import dev.toploras.storage.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's applier on a real job store: results are written once, and only into the job's own folder. */
class JobApplierTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC);
    private final ObjectMapper json = Json.mapper();
    @TempDir
    Path dir;
    JobStore store;
    JobApplier applier;
    WorkerRegistry workers;
    JobDocument running;

    @BeforeEach
    void job() {
        store = new JobStore(new Home(dir), json, CLOCK);
        workers = new WorkerRegistry(CLOCK);
        applier = new JobApplier(store, workers, json, 3);
        JobRequest r = new JobRequest("dup-1", "text-to-image-synthesis", "Qwen/Qwen-Image", Map.of(),
                new JobParams("a cat", null, "64x64", null, null, 1L, null, null), Backend.LOCAL, null);
        JobDocument queued = store.create(JobDocument.queued(r, CLOCK.instant(), "coordinator"));
        running = store.moveTo(queued, JobStatus.RUNNING, "running");
    }

    private String result(String worker, byte[] png) throws Exception {
        JobDocument done = running.withResult(List.of(new JobDocument.ResultImage(0, "image",
                new JobDocument.ImageData("cache/outputs/text-to-image-synthesis/dup-1/0.png", null, "image/png"),
                new JobDocument.ImageMeta(64, 64, 1L)))).withStatus(JobStatus.SUCCEEDED, CLOCK.instant());
        JobEvent event = new JobEvent(9, "dup-1", CLOCK.instant(), JobEvent.DONE, Stage.DONE, 100, "done", Map.of());
        return json.writeValueAsString(new WorkMessages.Result("dup-1", worker, done, List.of(event),
                List.of(new WorkMessages.Image("0.png", png))));
    }

    @Test
    void should_ignore_a_second_result_for_a_job_when_the_first_was_stored() throws Exception {
        String first = applier.result(result("w-1", new byte[] {1, 2, 3}));
        Path log = store.eventsFile("text-to-image-synthesis", "dup-1");
        List<String> eventsAfterFirst = Files.readAllLines(log);

        String second = applier.result(result("w-2", new byte[] {9, 9, 9}));

        assertThat(json.readValue(first, WorkMessages.Stored.class).stored()).isTrue();
        WorkMessages.Stored again = json.readValue(second, WorkMessages.Stored.class);
        assertThat(again.stored()).isFalse();
        assertThat(again.reason()).contains("duplicate");
        assertThat(Files.readAllLines(log)).isEqualTo(eventsAfterFirst);
        assertThat(Files.readAllBytes(store.imagesDir("text-to-image-synthesis", "dup-1").resolve("0.png")))
                .containsExactly(1, 2, 3);
        JobDocument stored = store.find("dup-1").orElseThrow();
        assertThat(stored.meta().worker()).isEqualTo("w-1");
        assertThat(workers.list()).extracting(WorkerRegistry.Worker::name, WorkerRegistry.Worker::jobsDone)
                .contains(org.assertj.core.groups.Tuple.tuple("w-1", 1L));
    }

    @Test
    void should_refuse_an_image_name_that_leaves_the_jobs_folder_when_a_worker_sends_one() throws Exception {
        JobDocument done = running.withStatus(JobStatus.SUCCEEDED, CLOCK.instant());
        String body = json.writeValueAsString(new WorkMessages.Result("dup-1", "w-evil", done, List.of(),
                List.of(new WorkMessages.Image("../../escaped.png", new byte[] {1}))));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> applier.result(body))
                .hasMessageContaining("not a plain file name");
        assertThat(dir.resolve("cache/outputs/escaped.png")).doesNotExist();
        assertThat(store.find("dup-1").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void should_tell_the_worker_to_skip_a_job_when_it_was_cancelled_before_the_worker_claimed_it() throws Exception {
        store.requestCancel(running);
        String reply = applier.claim(json.writeValueAsString(new WorkMessages.Claim("dup-1", "w-1")));
        assertThat(json.readValue(reply, WorkMessages.ClaimReply.class).run()).isFalse();
        assertThat(store.find("dup-1").orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(store.cancelRequested(running)).isFalse();
    }
}
