package dev.toploras.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.jobs.Backend;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.support.ConsoleCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `status`, `cancel` and `submit` (without a runtime): each documented exit code, on real job files. */
class JobCommandsTest {
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path home;

    int run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = home.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return TopLorasCommand.run(all);
    }

    JobStore store() {
        return new JobStore(new Home(home), Json.mapper(), Clock.systemUTC());
    }

    JobDocument job(String id, JobStatus... path) {
        JobStore store = store();
        JobRequest req = new JobRequest(id, "text-to-image-synthesis", "Qwen/Qwen-Image", Map.of("a/lora", 1.0),
                new JobParams("a cat", null, "1024x1024", 30, 7.5, 1L, null, null), Backend.AUTO, null);
        JobDocument doc = store.create(JobDocument.queued(req, Clock.systemUTC().instant(), "test"));
        for (JobStatus s : path) {
            // the document schema wants an image on success and an error on failure, as the worker writes them
            if (s == JobStatus.SUCCEEDED) {
                doc = store.update(doc.withResult(List.of(new JobDocument.ResultImage(0, "image",
                        new JobDocument.ImageData("cache/outputs/x/0.png", null, "image/png"),
                        new JobDocument.ImageMeta(8, 8, 1L)))));
            } else if (s == JobStatus.FAILED) {
                doc = store.update(doc.withError(Problem.of(ErrorCode.UPSTREAM_UNAVAILABLE, "ModelScope is down")));
            }
            doc = store.moveTo(doc, s, s.wire());
        }
        return doc;
    }

    @Test
    void should_exit_0_when_status_shows_a_succeeded_job() {
        job("ok-1", JobStatus.RUNNING, JobStatus.SUCCEEDED);
        assertThat(run("status", "ok-1")).isEqualTo(ExitCode.OK);
        assertThat(console.stdout()).contains("ok-1", "succeeded");
    }

    @Test
    void should_exit_0_when_status_shows_a_queued_or_running_job() {
        job("q-1");
        job("r-1", JobStatus.RUNNING);
        assertThat(run("status", "q-1")).isEqualTo(ExitCode.OK);
        assertThat(run("status", "r-1")).isEqualTo(ExitCode.OK);
    }

    @Test
    void should_exit_7_when_status_shows_a_failed_job() {
        job("bad-1", JobStatus.RUNNING, JobStatus.FAILED);
        assertThat(run("status", "bad-1")).isEqualTo(ExitCode.JOB_NOT_SUCCEEDED);
        assertThat(run("status", "--json", "bad-1")).isEqualTo(ExitCode.JOB_NOT_SUCCEEDED);
    }

    @Test
    void should_exit_7_when_status_shows_a_cancelled_job() {
        job("c-1", JobStatus.CANCELLED);
        assertThat(run("status", "c-1")).isEqualTo(ExitCode.JOB_NOT_SUCCEEDED);
        assertThat(console.stdout()).contains("cancelled");
    }

    @Test
    void should_exit_8_when_status_finds_no_such_job() {
        assertThat(run("status", "nope")).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(console.stderr()).contains("no job 'nope'");
    }

    @Test
    void should_exit_0_and_cancel_when_the_job_has_not_ended() {
        JobDocument doc = job("q-2");
        assertThat(run("cancel", "q-2")).isEqualTo(ExitCode.OK);
        assertThat(store().cancelRequested(doc)).isTrue();
    }

    @Test
    void should_exit_7_when_cancel_finds_the_job_ended() {
        job("done-2", JobStatus.RUNNING, JobStatus.SUCCEEDED);
        assertThat(run("cancel", "done-2")).isEqualTo(ExitCode.JOB_NOT_SUCCEEDED);
        assertThat(console.stderr()).contains("has already ended (succeeded)");
    }

    @Test
    void should_exit_8_when_cancel_finds_no_such_job() {
        assertThat(run("cancel", "nope")).isEqualTo(ExitCode.NOT_FOUND);
    }

    @Test
    void should_say_waiting_in_the_inbox_when_status_follows_submit() throws Exception {
        Path req = home.resolve("job.json");
        Files.writeString(req, """
                {"job_id": "cat-001", "task": "text-to-image-synthesis", "model_id": "Qwen/Qwen-Image",
                 "loras": {"a/lora": 1.0}, "params": {"prompt": "A golden cat", "size": "1024x1024", "steps": 30}}
                """);
        assertThat(run("submit", req.toString())).isEqualTo(ExitCode.OK);

        assertThat(run("status", "cat-001")).isEqualTo(ExitCode.OK);

        assertThat(console.stdout()).contains("cat-001  waiting in inbox/cat-001.json");
    }

    @Test
    void should_copy_the_images_into_the_inbox_beside_the_job_and_name_them_in_it_when_submitting_an_edit()
            throws Exception {
        Files.createDirectories(home.resolve("work"));
        byte[] beside = dev.toploras.support.Images.png(8, 8);
        byte[] flagged = dev.toploras.support.Images.png(16, 8);
        Files.write(home.resolve("work/photo.png"), beside);
        Files.write(home.resolve("work/other.PNG"), flagged);
        Path req = home.resolve("work/edit.json");
        Files.writeString(req, """
                {"job_id": "edit-001", "task": "image-to-image", "model_id": "Qwen/Qwen-Image-Edit",
                 "images": ["photo.png"], "params": {"prompt": "purple sky", "strength": 0.5}}
                """);
        assertThat(run("submit", req.toString(), "--image", home.resolve("work/other.PNG").toString()))
                .isEqualTo(ExitCode.OK);

        com.fasterxml.jackson.databind.JsonNode job = Json.mapper().readTree(home.resolve("inbox/edit-001.json")
                .toFile());
        assertThat(job.path("images").toString()).isEqualTo("[\"edit-001-1.png\",\"edit-001-2.png\"]");
        assertThat(Files.readAllBytes(home.resolve("inbox/edit-001-1.png"))).isEqualTo(beside);
        assertThat(Files.readAllBytes(home.resolve("inbox/edit-001-2.png"))).isEqualTo(flagged);
        assertThat(run("submit", req.toString(), "--image", home.resolve("work/missing.png").toString()))
                .isEqualTo(ExitCode.USAGE);
    }

    @Test
    void should_exit_7_with_the_reason_when_status_finds_the_request_rejected() throws Exception {
        Path errors = Files.createDirectories(home.resolve("inbox/.error"));
        Files.writeString(errors.resolve("r-9.json.error.json"), "{\"code\": \"invalid_request\", \"message\": \"unknown task\"}");
        assertThat(run("status", "r-9")).isEqualTo(ExitCode.JOB_NOT_SUCCEEDED);
        assertThat(console.stdout()).contains("rejected", "unknown task");
    }

    @Test
    void should_exit_2_naming_the_field_when_submit_gets_a_request_of_the_wrong_shape() throws Exception {
        Path req = home.resolve("job.json");
        Files.writeString(req, """
                {"job_id": "bad-steps", "task": "text-to-image-synthesis", "model_id": "Qwen/Qwen-Image",
                 "params": {"prompt": "A cat", "steps": "thirty"}}
                """);

        assertThat(run("submit", req.toString())).isEqualTo(ExitCode.USAGE);

        assertThat(console.stderr()).contains("steps").contains("nothing was submitted");
        assertThat(home.resolve("inbox/bad-steps.json")).doesNotExist();
    }

    @Test
    void should_exit_2_when_submit_gets_weights_that_do_not_sum_to_one() throws Exception {
        Path req = home.resolve("job.json");
        Files.writeString(req, """
                {"job_id": "w-1", "task": "text-to-image-synthesis", "model_id": "Qwen/Qwen-Image",
                 "loras": {"a/x": 0.5, "b/y": 0.2}, "params": {"prompt": "A cat"}}
                """);
        assertThat(run("submit", req.toString())).isEqualTo(ExitCode.USAGE);
        assertThat(console.stderr()).contains("loras weights must sum to 1.0");
        assertThat(home.resolve("inbox/w-1.json")).doesNotExist();
    }

    Path submitted(String id) throws Exception {
        Path req = home.resolve(id + "-request.json");
        Files.writeString(req, """
                {"job_id": "%s", "task": "text-to-image-synthesis", "model_id": "Qwen/Qwen-Image",
                 "loras": {"a/lora": 1.0}, "params": {"prompt": "A golden cat", "size": "1024x1024"}}
                """.formatted(id));
        return req;
    }

    @Test
    void should_cancel_a_job_still_waiting_in_the_inbox_by_taking_its_file_out() throws Exception {
        assertThat(run("submit", submitted("in-1").toString())).isEqualTo(ExitCode.OK);

        assertThat(run("cancel", "in-1")).isEqualTo(ExitCode.OK);

        assertThat(console.stdout()).contains("cancelled in-1: taken out of inbox/");
        assertThat(home.resolve("inbox/in-1.json")).doesNotExist();
        assertThat(home.resolve("inbox/.cancelled/in-1.json")).exists();
        assertThat(run("status", "in-1")).isEqualTo(ExitCode.JOB_NOT_SUCCEEDED);
        assertThat(console.stdout()).contains("in-1  cancelled while it waited in the inbox");
    }

    @Test
    void should_say_at_once_with_exit_9_when_submit_waits_and_nothing_serves_the_inbox() throws Exception {
        long start = System.nanoTime();
        assertThat(run("submit", submitted("alone-1").toString(), "--wait")).isEqualTo(ExitCode.NOT_SERVED);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000);
        assertThat(console.stderr()).contains("top-loras: nothing serves inbox/", "status alone-1");
        assertThat(home.resolve("inbox/alone-1.json")).exists();
    }

    @Test
    void should_print_a_rejected_jobs_reason_as_words_not_json() throws Exception {
        Path errors = Files.createDirectories(home.resolve("inbox/.error"));
        Files.writeString(errors.resolve("r-8.json.error.json"), """
                {"code": "invalid_request", "message": "unknown task", "details": {"field": "$.task"}, "file": "r-8.json"}
                """);
        assertThat(run("status", "r-8")).isEqualTo(ExitCode.JOB_NOT_SUCCEEDED);
        assertThat(console.stdout()).contains("r-8  rejected by the inbox: invalid_request: unknown task (field $.task)")
                .doesNotContain("{");
    }

    @Test
    void should_name_a_read_only_home_with_its_path_when_submit_and_fetch_cannot_write() throws Exception {
        Path req = submitted("ro-1");
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // root writes anywhere: there the permission cannot make a home read-only
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(home), "running as root");
            assertThat(run("submit", req.toString())).isEqualTo(ExitCode.CONFIG);
            assertThat(console.stderr()).contains("top-loras: the home folder " + home + " is read-only")
                    .doesNotContain("\tat ", "Exception");
            assertThat(run("fetch", "--force-refresh")).isEqualTo(ExitCode.CONFIG);
            assertThat(console.stderr()).doesNotContain("owned by another process", "Message History");
        } finally {
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void should_say_in_one_line_where_submit_and_fetch_cannot_write() throws Exception {
        Path req = submitted("nw-1");
        Files.writeString(home.resolve("inbox"), "a file where the inbox folder should be");
        Files.writeString(home.resolve("cache"), "a file where the cache folder should be");

        assertThat(run("submit", req.toString())).isEqualTo(ExitCode.CONFIG);
        assertThat(run("fetch", "--force-refresh")).isEqualTo(ExitCode.CONFIG);

        assertThat(console.stderr().lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l)
                .startsWith("top-loras: cannot write in " + home).contains("use a writable folder"));
    }
}
