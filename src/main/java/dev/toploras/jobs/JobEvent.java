package dev.toploras.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Map;

/** One line of {@code <job_id>.events.jsonl}; ids grow by one per job so a reader can resume after any id. */
@JsonPropertyOrder({"id", "job_id", "ts", "type", "stage", "progress", "message", "payload"})
public record JobEvent(long id, String jobId, Instant ts, String type, Stage stage, int progress, String message,
                       Map<String, Object> payload) {
    public static final String STATUS = "status";
    public static final String LOG = "log";
    public static final String PROGRESS = "progress";
    public static final String ASSET = "asset";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
}
