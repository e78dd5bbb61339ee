package dev.toploras.generation;

import dev.toploras.errors.Problem;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.Stage;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.RemoteTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the ModelScope API-Inference steps of routes/generation.camel.yaml record (bean {@code remoteSteps}): the
 * submit, each poll (a progress event; cancel, stop and the poll timeout are checked here) and the task's end.
 * The HTTP calls are the route's; the replies' fields are {@link InferenceClient}'s.
 */
public final class RemoteSteps {
    private final JobRecords records;
    private final InferenceClient inference;
    private final Duration pollTimeout;
    private final JobClaims claims;

    public RemoteSteps(JobRecords records, InferenceClient inference, Duration pollTimeout, JobClaims claims) {
        this.records = records;
        this.inference = inference;
        this.pollTimeout = pollTimeout;
        this.claims = claims;
    }

    /** The ModelScope task the job already has (submitted before a restart), or null. */
    public String taskOf(String jobId) {
        return records.doc(jobId).meta().remoteTaskId();
    }

    /** Before the submit: the request body, from the stored job (its seed included). */
    public Map<String, Object> submitting(String jobId) {
        JobDocument doc = records.doc(jobId);
        records.checkCancel(doc);
        records.store().log(doc, Stage.SUBMITTING, "submitting to ModelScope");
        return inference.request(doc);
    }

    /** What the submit call ended with: the task ModelScope made, on which try, and since when the submit ran. */
    public record Submission(String taskId, int tries, java.util.Date from) {
    }

    /** The submit call's outcome as one value; {@code retries} is the redelivery count (none: the first try). */
    public Submission submission(String taskId, Integer retries, java.util.Date from) {
        return new Submission(taskId, retries == null ? 1 : retries + 1, from);
    }

    /** ModelScope took the job: its task id is stored at once, so a restart polls it instead of submitting again. */
    public void submitted(String jobId, Submission s) {
        String taskId = s.taskId();
        int tries = s.tries();
        JobDocument doc = records.doc(jobId);
        doc = doc.withMeta(doc.meta().withRemoteTaskId(taskId).withBackend("remote"));
        if (tries > 1) {
            doc = doc.withNote(new Problem("RETRIED", "ModelScope was unavailable; the submit succeeded on try "
                    + tries, Map.of("tries", tries)));
        }
        doc = records.update(JobRecords.withStep(doc, "submit", s.from()));
        records.store().log(doc, Stage.POLLING, "ModelScope accepted the job as task " + taskId);
    }

    /** The task being polled and when polling gives up. */
    public record PollWindow(String taskId, Instant deadline) {
    }

    /** When polling the task gives up: generation.poll-timeout from now. */
    public PollWindow pollWindow(String taskId) {
        return new PollWindow(taskId, records.store().clock().instant().plus(pollTimeout));
    }

    /**
     * Before each poll: stop when the runtime stops (the job resumes at the next start), when a cancel was asked
     * for or when the poll timeout passed; otherwise a progress event, so a watcher sees the job is alive.
     */
    public void polling(String jobId, PollWindow window, int poll) {
        String taskId = window.taskId();
        if (claims.isStopping()) {
            throw new RuntimeStoppingException(jobId);
        }
        JobDocument doc = records.doc(jobId);
        records.checkCancel(doc);
        if (records.store().clock().instant().isAfter(window.deadline())) {
            throw new PollTimeoutException(taskId, pollTimeout);
        }
        // From POLLING's 30% towards DOWNLOADING's 80%, never reaching it: the remote side gives no percentage.
        int percent = Stage.POLLING.progress() + (int) (49 * (1 - Math.pow(0.9, poll)));
        records.store().progress(doc, Stage.POLLING, percent, "polling ModelScope task " + taskId + " (poll "
                + (poll + 1) + ")");
    }

    /** True while the task is pending or running; a task ModelScope reports FAILED fails the job (no fallback). */
    public boolean stillRunning(RemoteTask task, String taskId) {
        return switch (task.state()) {
            case SUCCEEDED -> false;
            case FAILED -> throw new RemoteTaskFailedException(taskId, task.errorCode(), task.errorMessage());
            default -> true;
        };
    }

    public void polled(String jobId, java.util.Date from) {
        records.step(records.doc(jobId), "poll", from);
    }

    public List<String> outputUrls(RemoteTask task) {
        return task.outputImages();
    }
}
