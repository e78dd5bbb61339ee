package dev.toploras.generation;

import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobStore;
import dev.toploras.jobs.Stage;
import java.util.Locale;

/**
 * What a backend route may tell about the job it works on (bean {@code jobEvents}): log lines, progress and the
 * question "was it cancelled?". Routes call it with the job id they were given; the store stays the only writer.
 */
public final class JobEvents {
    private final JobStore store;

    public JobEvents(JobStore store) {
        this.store = store;
    }

    public void log(String jobId, String stage, String message) {
        store.log(doc(jobId), stage(stage), message);
    }

    public void progress(String jobId, String stage, int percent, String message) {
        store.progress(doc(jobId), stage(stage), percent, message);
    }

    /** A progress event at the stage's own percentage (RENDERING_LOCAL: 50). */
    public void progress(String jobId, String stage, String message) {
        Stage s = stage(stage);
        store.progress(doc(jobId), s, s.progress(), message);
    }

    /** Whether a cancel was requested: for a watcher that must stop a blocked read rather than throw. */
    public boolean cancelRequested(String jobId) {
        return store.cancelRequested(doc(jobId));
    }

    /** Throws {@link JobCancelledException} once a cancel was requested; backends call it between steps. */
    public void checkCancel(String jobId) {
        if (store.cancelRequested(doc(jobId))) {
            throw new JobCancelledException(jobId);
        }
    }

    private JobDocument doc(String jobId) {
        return store.find(jobId).orElseThrow(() -> new IllegalArgumentException("no job " + jobId
                + " in the job store; pass the variable jobId the worker set"));
    }

    private static Stage stage(String name) {
        try {
            return Stage.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown stage '" + name + "'; use one of "
                    + java.util.Arrays.toString(Stage.values()), e);
        }
    }
}
