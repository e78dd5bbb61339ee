package dev.toploras.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.jobs.Backend;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobEvent;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.jobs.Stage;
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

    /** Claims the job as {@code worker} does over the broker; returns the claim token the coordinator handed out. */
    private String claim(String worker) throws Exception {
        String reply = applier.claim(json.writeValueAsString(new WorkMessages.Claim("dup-1", worker)));
        return json.readValue(reply, WorkMessages.ClaimReply.class).token();
    }

    private String result(String worker, byte[] png) throws Exception {
        return result(worker, claim(worker), png);
    }

    private String result(String worker, String token, byte[] png) throws Exception {
        JobDocument done = running.withResult(List.of(new JobDocument.ResultImage(0, "image",
                new JobDocument.ImageData("cache/outputs/text-to-image-synthesis/dup-1/0.png", null, "image/png"),
                new JobDocument.ImageMeta(64, 64, 1L)))).withStatus(JobStatus.SUCCEEDED, CLOCK.instant());
        JobEvent event = new JobEvent(9, "dup-1", CLOCK.instant(), JobEvent.DONE, Stage.DONE, 100, "done", Map.of());
        return json.writeValueAsString(new WorkMessages.Result("dup-1", worker, token, done, List.of(event),
                List.of(new WorkMessages.Image("0.png", png))));
    }

    @Test
    void should_ignore_a_second_result_for_a_job_when_the_first_was_stored() throws Exception {
        // w-2 was handed the job first and thought dead; w-1 then claimed it and finished first
        String late = claim("w-2");
        String first = applier.result(result("w-1", new byte[] {1, 2, 3}));
        Path log = store.eventsFile("text-to-image-synthesis", "dup-1");
        List<String> eventsAfterFirst = Files.readAllLines(log);

        String second = applier.result(result("w-2", late, new byte[] {9, 9, 9}));

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
        String body = json.writeValueAsString(new WorkMessages.Result("dup-1", "w-evil", claim("w-evil"), done, List.of(),
                List.of(new WorkMessages.Image("../../escaped.png", new byte[] {1}))));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> applier.result(body))
                .hasMessageContaining("not a plain file name");
        assertThat(dir.resolve("cache/outputs/escaped.png")).doesNotExist();
        assertThat(store.find("dup-1").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void should_change_nothing_when_a_result_comes_without_the_jobs_claim_token() throws Exception {
        String holder = claim("w-1");
        Path log = store.eventsFile("text-to-image-synthesis", "dup-1");
        List<String> before = Files.readAllLines(log);

        WorkMessages.Stored guessed = json.readValue(applier.result(result("intruder", "not-the-token",
                new byte[] {6, 6, 6})), WorkMessages.Stored.class);
        String noToken = result("intruder", null, new byte[] {6});

        assertThat(guessed.stored()).isFalse();
        assertThat(guessed.claimLost()).isTrue();
        assertThatThrownBy(() -> applier.result(noToken)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("token");
        assertThat(store.find("dup-1").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(store.imagesDir("text-to-image-synthesis", "dup-1")).doesNotExist();
        assertThat(Files.readAllLines(log)).isEqualTo(before);
        // the holder's own result still counts afterwards
        assertThat(json.readValue(applier.result(result("w-1", holder, new byte[] {1})), WorkMessages.Stored.class)
                .stored()).isTrue();
    }

    @Test
    void should_ignore_an_event_when_it_comes_from_a_worker_whose_claim_was_handed_to_another() throws Exception {
        String old = claim("w-old");
        claim("w-new");
        Path log = store.eventsFile("text-to-image-synthesis", "dup-1");
        List<String> before = Files.readAllLines(log);
        JobEvent event = new JobEvent(5, "dup-1", CLOCK.instant(), JobEvent.LOG, Stage.POLLING, 50, "forged", Map.of());

        applier.update(json.writeValueAsString(new WorkMessages.Update("dup-1", "w-old", old, running, event)));

        assertThat(Files.readAllLines(log)).isEqualTo(before);
    }

    @Test
    void should_reject_a_claim_with_one_line_naming_the_field_when_its_field_names_are_wrong() {
        assertThatThrownBy(() -> applier.claim("{\"job\": \"dup-1\", \"who\": \"w-1\"}"))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessage("a claim message without a usable 'job_id' (fields are snake_case, e.g. job_id)");
        assertThatThrownBy(() -> applier.claim("{not json"))
                .isInstanceOf(MalformedMessageException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
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
