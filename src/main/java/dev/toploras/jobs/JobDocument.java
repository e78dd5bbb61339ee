package dev.toploras.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.toploras.errors.Problem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code cache/outputs/<safe_task>/<job_id>.json}: the job as the store keeps it, and the file users read.
 * Checked against schemas/job-document.schema.json before every write.
 */
@JsonPropertyOrder({"job_id", "task", "model_id", "loras", "params", "inputs", "backend", "idempotency_key", "status",
    "created_at", "started_at", "completed_at", "meta", "result", "error"})
public record JobDocument(String jobId, String task, String modelId, Map<String, Double> loras, JobParams params,
                          Backend backend, String idempotencyKey, JobStatus status, Instant createdAt,
                          Instant startedAt, Instant completedAt, Meta meta, List<ResultImage> result,
                          Problem error, List<InputImage> inputs) {
    public JobDocument {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    /** {@code worker}: the name of the broker worker process that ran the job (null when the coordinator did). */
    public record Meta(String backend, int attempts, Double durationSeconds, String node, String remoteTaskId,
                       List<Problem> notes, Timing timing,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> local, String worker) {
        public Meta {
            notes = notes == null ? List.of() : List.copyOf(notes);
            timing = timing == null ? new Timing(0, List.of()) : timing;
        }

        public Meta(String backend, int attempts, Double durationSeconds, String node, String remoteTaskId,
                    List<Problem> notes, Timing timing, Map<String, Object> local) {
            this(backend, attempts, durationSeconds, node, remoteTaskId, notes, timing, local, null);
        }

        public Meta withWorker(String name) {
            return new Meta(backend, attempts, durationSeconds, node, remoteTaskId, notes, timing, local, name);
        }

        public Meta withAttempts(int n) {
            return new Meta(backend, n, durationSeconds, node, remoteTaskId, notes, timing, local, worker);
        }

        public Meta withBackend(String b) {
            return new Meta(b, attempts, durationSeconds, node, remoteTaskId, notes, timing, local, worker);
        }

        public Meta withRemoteTaskId(String id) {
            return new Meta(backend, attempts, durationSeconds, node, id, notes, timing, local, worker);
        }

        /** What a local backend reported about its render (its files' hashes, resolved parameters). */
        public Meta withLocal(Map<String, Object> l) {
            return new Meta(backend, attempts, durationSeconds, node, remoteTaskId, notes, timing, l, worker);
        }

        public Meta withTiming(Timing t) {
            return new Meta(backend, attempts, durationSeconds, node, remoteTaskId, notes, t, local, worker);
        }
    }

    /** Spelled as seed 002 has it (camelCase), unlike the rest of the document. */
    public record Timing(@JsonProperty("totalMs") long totalMs, List<Step> steps) {
        public Timing {
            steps = steps == null ? List.of() : List.copyOf(steps);
        }
    }

    public record Step(String name, long ms) {
    }

    public record ResultImage(int index, String type, ImageData data, ImageMeta meta) {
    }

    public record ImageData(String url, String base64, String mime) {
    }

    public record ImageMeta(int width, int height, Long seed) {
    }

    public static JobDocument queued(JobRequest r, Instant now, String node) {
        return new JobDocument(r.jobId(), r.task(), r.modelId(), r.loras(), r.params(), r.backend(),
                r.idempotencyKey(), JobStatus.QUEUED, now, null, null,
                new Meta(null, 0, null, node, null, List.of(), null, null), List.of(), null, r.inputs());
    }

    public JobRequest request() {
        return new JobRequest(jobId, task, modelId, loras, params, backend, idempotencyKey, List.of(), inputs, false);
    }

    public JobDocument withStatus(JobStatus next, Instant now) {
        JobStatus to = status.moveTo(next);
        Instant started = to == JobStatus.RUNNING ? now : startedAt;
        Instant completed = to.isTerminal() ? now : null;
        Meta m = meta;
        if (to.isTerminal() && started != null) {
            m = new Meta(m.backend(), m.attempts(), (now.toEpochMilli() - started.toEpochMilli()) / 1000.0, m.node(),
                    m.remoteTaskId(), m.notes(), m.timing(), m.local(), m.worker());
        }
        return new JobDocument(jobId, task, modelId, loras, params, backend, idempotencyKey, to, createdAt, started,
                completed, m, result, error, inputs);
    }

    public JobDocument withMeta(Meta m) {
        return new JobDocument(jobId, task, modelId, loras, params, backend, idempotencyKey, status, createdAt,
                startedAt, completedAt, m, result, error, inputs);
    }

    public JobDocument withParams(JobParams p) {
        return new JobDocument(jobId, task, modelId, loras, p, backend, idempotencyKey, status, createdAt,
                startedAt, completedAt, meta, result, error, inputs);
    }

    public JobDocument withResult(List<ResultImage> images) {
        return new JobDocument(jobId, task, modelId, loras, params, backend, idempotencyKey, status, createdAt,
                startedAt, completedAt, meta, List.copyOf(images), error, inputs);
    }

    public JobDocument withError(Problem p) {
        return new JobDocument(jobId, task, modelId, loras, params, backend, idempotencyKey, status, createdAt,
                startedAt, completedAt, meta, result, p, inputs);
    }

    public JobDocument withNote(Problem note) {
        List<Problem> notes = new ArrayList<>(meta.notes());
        notes.add(note);
        return withMeta(new Meta(meta.backend(), meta.attempts(), meta.durationSeconds(), meta.node(),
                meta.remoteTaskId(), notes, meta.timing(), meta.local(), meta.worker()));
    }
}
