package dev.toploras.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job store on a real folder: ids that cannot leave it, atomic creation, listing and crash leftovers. */
class JobStoreTest {
    static final String TASK = "text-to-image-synthesis";
    static final ObjectMapper JSON = Json.mapper();

    @TempDir
    Path dir;

    JobStore store() {
        return new JobStore(new Home(dir), JSON, Clock.systemUTC());
    }

    static JobDocument job(String id, String prompt, String key) {
        JobRequest r = new JobRequest(id, TASK, "Qwen/Qwen-Image", Map.of(), new JobParams(prompt, null, "64x64", null,
                null, 1L, null, null), Backend.LOCAL, key);
        return JobDocument.queued(r, Instant.now(), "test");
    }

    /** Runs {@code n} creations at once (released together) and returns what each got. */
    static List<JobStore.Creation> race(int n, java.util.function.IntFunction<JobDocument> doc, JobStore store)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 16));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<JobStore.Creation>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            futures.add(pool.submit(() -> {
                go.await();
                return store.createOnce(doc.apply(k));
            }));
        }
        go.countDown();
        List<JobStore.Creation> out = new ArrayList<>();
        for (Future<JobStore.Creation> f : futures) {
            out.add(f.get());
        }
        pool.shutdown();
        return out;
    }

    @Test
    void should_find_nothing_and_build_no_path_for_an_id_that_would_leave_its_folder() throws Exception {
        JobStore store = store();
        store.create(job("real-1", "x", null));
        Files.writeString(dir.resolve("secret.json"), "{}");
        Files.writeString(dir.resolve("secret.events.jsonl"), "{\"id\":1}\n");
        for (String id : List.of("../../secret", "/srv/other/secret", "..", ".hidden", "a/b", "a\\b", "",
                "x".repeat(65), "real-1\0")) {
            assertThat(store.locate(id)).as(id).isEmpty();
            assertThat(store.locateEvents(id)).as(id).isEmpty();
            assertThatThrownBy(() -> store.eventsFile(TASK, id)).as(id).isInstanceOf(InvalidJobRequestException.class);
        }
        assertThat(store.locate("real-1")).isPresent();
    }

    @Test
    void should_create_one_job_when_many_requests_race_for_one_job_id() throws Exception {
        JobStore store = store();
        List<JobStore.Creation> got = race(50, i -> job("same-id", "prompt " + i, null), store);
        assertThat(got.stream().filter(JobStore.Creation::created).count()).isEqualTo(1);
        assertThat(got).allSatisfy(c -> assertThat(c.jobId()).isEqualTo("same-id"));
        assertThat(store.all()).hasSize(1);
        assertThat(Files.readAllLines(store.eventsFile(TASK, "same-id"))).hasSize(1);
    }

    @Test
    void should_create_one_job_when_many_requests_race_for_one_idempotency_key() throws Exception {
        JobStore store = store();
        List<JobStore.Creation> got = race(50, i -> job("keyed-" + i, "prompt", "key-1"), store);
        assertThat(got.stream().filter(JobStore.Creation::created).count()).isEqualTo(1);
        String winner = got.stream().filter(JobStore.Creation::created).findFirst().orElseThrow().jobId();
        assertThat(got).allSatisfy(c -> assertThat(c.jobId()).isEqualTo(winner));
        assertThat(store.all()).extracting(JobDocument::jobId).containsExactly(winner);
    }

    @Test
    void should_list_and_recover_job_documents_only_when_other_json_lies_beside_them() throws Exception {
        JobStore store = store();
        store.create(job("keyed-1", "x", "some-key"));
        store.create(job("plain-1", "y", null));
        Path folder = store.folder(TASK);
        Files.writeString(folder.resolve("notes.json"), "{\"hello\": 1}");
        Files.writeString(folder.resolve("torn.json"), "{\"job_id\": \"torn\", ");
        Files.createDirectories(dir.resolve("cache/outputs/.keys"));
        assertThat(Files.list(dir.resolve("cache/outputs/.keys")).count()).isEqualTo(1);

        assertThat(store.all()).extracting(JobDocument::jobId).containsExactly("keyed-1", "plain-1");
        assertThat(store.unfinished()).extracting(JobDocument::jobId).containsExactly("keyed-1", "plain-1");
    }

    @Test
    void should_tell_the_event_log_before_the_document_changes() throws Exception {
        JobStore store = store();
        JobDocument queued = job("ordered-1", "x", null);
        store.create(queued);
        // The document cannot be replaced (a folder stands in its place): the change must already be in the log.
        Path doc = store.documentFile(TASK, "ordered-1");
        Files.delete(doc);
        Files.createDirectory(doc);
        assertThatThrownBy(() -> store.moveTo(queued, JobStatus.RUNNING, "running")).isNotNull();
        List<String> events = Files.readAllLines(store.eventsFile(TASK, "ordered-1"));
        assertThat(events).hasSize(2);
        assertThat(JSON.readTree(events.get(1)).at("/payload/status").asText()).isEqualTo("running");
    }

    @Test
    void should_delete_temp_files_a_crash_left_and_keep_young_ones() throws Exception {
        JobStore store = store();
        store.create(job("crashed-1", "x", "k"));
        Path folder = store.folder(TASK);
        Path images = Files.createDirectories(store.imagesDir(TASK, "crashed-1"));
        Instant start = Instant.now();
        List<Path> old = List.of(folder.resolve(".crashed-1.json123.tmp"), images.resolve(".0.png456.tmp"),
                dir.resolve("cache/outputs/.keys/.abc.json789.tmp"));
        for (Path p : old) {
            Files.writeString(p, "half");
            Files.setLastModifiedTime(p, FileTime.from(start.minusSeconds(60)));
        }
        Path young = Files.writeString(folder.resolve(".other.json1.tmp"), "being written");
        Files.setLastModifiedTime(young, FileTime.from(start.plusSeconds(1)));

        assertThat(store.deleteCrashLeftovers(start)).isEqualTo(3);
        assertThat(old).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(young).exists();
        assertThat(store.documentFile(TASK, "crashed-1")).exists();
    }

    @Test
    void should_write_a_manifest_of_the_files_when_a_job_ends() throws Exception {
        JobStore store = store();
        JobDocument queued = job("done-1", "x", null);
        store.create(queued);
        JobDocument running = store.moveTo(queued, JobStatus.RUNNING, "running");
        Path png = Files.createDirectories(store.imagesDir(TASK, "done-1")).resolve("0.png");
        Files.write(png, new byte[] {1, 2, 3});
        JobDocument withImage = running.withResult(List.of(new JobDocument.ResultImage(0, "image",
                new JobDocument.ImageData("cache/outputs/" + TASK + "/done-1/0.png", null, "image/png"),
                new JobDocument.ImageMeta(64, 64, 1L))));
        store.moveTo(store.update(withImage), JobStatus.SUCCEEDED, "done");

        JsonNode manifest = JSON.readTree(store.manifestFile(TASK, "done-1").toFile());
        assertThat(manifest.path("status").asText()).isEqualTo("succeeded");
        assertThat(manifest.path("files")).extracting(f -> f.path("role").asText())
                .containsExactly("document", "events", "image");
        assertThat(manifest.at("/files/2/path").asText()).isEqualTo("cache/outputs/" + TASK + "/done-1/0.png");
        assertThat(manifest.at("/files/2/bytes").asLong()).isEqualTo(3);
        assertThat(manifest.at("/files/2/mime").asText()).isEqualTo("image/png");

        JobDocument cancelled = job("cancelled-1", "x", null);
        store.create(cancelled);
        store.moveTo(cancelled, JobStatus.CANCELLED, "cancelled");
        assertThat(store.imagesDir(TASK, "cancelled-1")).doesNotExist(); // stored nothing: no folder, no manifest
    }

    /** What a process killed between the end's event and the document leaves: the log says done, the file running. */
    JobDocument endedInTheLogOnly(JobStore store, String id) throws Exception {
        JobDocument running = store.moveTo(store.create(job(id, "a cat", null)), JobStatus.RUNNING, "running");
        // its image is recorded before the end, as the generation flow records it
        running = store.update(running.withResult(List.of(new JobDocument.ResultImage(0, "image",
                new JobDocument.ImageData("cache/outputs/" + TASK + "/" + id + "/0.png", null, "image/png"),
                new JobDocument.ImageMeta(64, 64, 1L)))));
        Path docFile = store.documentFile(TASK, id);
        byte[] before = Files.readAllBytes(docFile);
        store.moveTo(running, JobStatus.SUCCEEDED, "done: 1 image(s)");
        Files.write(docFile, before);
        return running;
    }

    static long ends(JobStore store, String id) throws Exception {
        return Files.readAllLines(store.eventsFile(TASK, id)).stream()
                .filter(l -> l.contains("\"type\":\"done\"")).count();
    }

    @Test
    void should_complete_the_document_and_not_run_the_job_again_when_the_done_event_was_logged_before_a_crash()
            throws Exception {
        endedInTheLogOnly(store(), "crash-1");
        JobStore restarted = store();

        assertThat(restarted.unfinished()).isEmpty();
        assertThat(restarted.find("crash-1").orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ends(restarted, "crash-1")).isEqualTo(1);
    }

    @Test
    void should_log_done_once_when_a_job_ends_again_after_its_done_event_was_logged_before_a_crash()
            throws Exception {
        JobDocument running = endedInTheLogOnly(store(), "crash-2");
        JobStore restarted = store();

        JobDocument ended = restarted.moveTo(running, JobStatus.SUCCEEDED, "done: 1 image(s)");

        assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(restarted.find("crash-2").orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ends(restarted, "crash-2")).isEqualTo(1);
    }

    /**
     * A broker worker's end, replayed on the coordinator: the log tells it before the document shows it
     * (WorkerProcessesTest once read a succeeded document whose log had no done yet).
     */
    @Test
    void should_log_a_replayed_end_before_the_document_shows_it() throws Exception {
        JobStore store = store();
        JobDocument running = store.moveTo(store.create(job("replayed-1", "a cat", null)), JobStatus.RUNNING,
                "running");
        List<JobStatus> seenWithTheEvent = new java.util.ArrayList<>();
        store.onEvent((doc, event) -> seenWithTheEvent.add(store.find("replayed-1").orElseThrow().status()));
        JobDocument ended = running.withResult(List.of(new JobDocument.ResultImage(0, "image",
                new JobDocument.ImageData("cache/outputs/" + TASK + "/replayed-1/0.png", null, "image/png"),
                new JobDocument.ImageMeta(64, 64, 1L)))).withStatus(JobStatus.SUCCEEDED, Instant.now());

        store.replay(ended, new JobEvent(9, "replayed-1", Instant.now(), "done", Stage.of(JobStatus.SUCCEEDED),
                100, "done: 1 image(s)", Map.of("status", "succeeded")));

        assertThat(seenWithTheEvent).as("the document's status when the event was in the log")
                .containsExactly(JobStatus.RUNNING);
        assertThat(ends(store, "replayed-1")).isEqualTo(1);
        assertThat(store.find("replayed-1").orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    }
}
