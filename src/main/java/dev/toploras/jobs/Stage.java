package dev.toploras.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Progress stages, each mapped once to the status it belongs to and a progress percentage, so the event log, the
 * CLI and (later) SSE agree on what "POLLING" means.
 */
public enum Stage {
    QUEUED(JobStatus.QUEUED, 0),
    VALIDATING(JobStatus.QUEUED, 0),
    SUBMITTING(JobStatus.RUNNING, 10),
    POLLING(JobStatus.RUNNING, 30),
    DOWNLOADING(JobStatus.RUNNING, 80),
    RENDERING_LOCAL(JobStatus.RUNNING, 50),
    STORING(JobStatus.RUNNING, 90),
    DONE(JobStatus.SUCCEEDED, 100),
    FAILED(JobStatus.FAILED, 100),
    CANCELED(JobStatus.CANCELLED, 100);

    private final JobStatus status;
    private final int progress;

    Stage(JobStatus status, int progress) {
        this.status = status;
        this.progress = progress;
    }

    public JobStatus status() {
        return status;
    }

    public int progress() {
        return progress;
    }

    /** The stage a status change is reported with. */
    public static Stage of(JobStatus status) {
        return switch (status) {
            case QUEUED -> QUEUED;
            case RUNNING -> SUBMITTING;
            case SUCCEEDED -> DONE;
            case FAILED -> FAILED;
            case CANCELLED -> CANCELED;
        };
    }

    @JsonValue
    public String wire() {
        return name();
    }
}
