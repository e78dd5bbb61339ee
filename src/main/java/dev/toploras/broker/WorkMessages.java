package dev.toploras.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What travels between the coordinator and its workers, as JSON text messages. The job queue itself carries only
 * the job id (docs/seams.md); a worker gets the rest by claiming it. No message carries a token: a job sent with
 * X-ModelScope-Token never leaves the coordinator.
 */
public final class WorkMessages {
    private WorkMessages() {
    }

    /** Every message from a worker says what it is complete: a field it lacks is a malformed message, not a NPE. */
    interface Checked {
        /** The first required field that is missing or unusable, or null when the message is whole. */
        String missing();
    }

    static <T> T read(ObjectMapper json, String body, Class<T> type) {
        String what = type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
        T value;
        try {
            value = body == null ? null : json.readValue(body, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // the original message only: Jackson's location lines would quote the body and break the one line
            throw new MalformedMessageException("a " + what + " message that is not JSON: "
                    + e.getOriginalMessage().replaceAll("\\s+", " "));
        }
        if (value == null) {
            throw new MalformedMessageException("an empty " + what + " message");
        }
        if (value instanceof Checked c && c.missing() != null) {
            throw new MalformedMessageException("a " + what + " message without a usable '" + c.missing()
                    + "' (fields are snake_case, e.g. job_id)");
        }
        return value;
    }

    private static String firstMissing(String jobId, String worker, Object... required) {
        if (!dev.toploras.jobs.JobId.valid(jobId)) {
            return "job_id";
        }
        if (worker == null || worker.isBlank()) {
            return "worker";
        }
        for (int i = 0; i + 1 < required.length; i += 2) {
            if (required[i + 1] == null) {
                return (String) required[i];
            }
        }
        return null;
    }

    static String write(ObjectMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Worker to coordinator (request-reply): may I run this job, and what does the store know of it? */
    public record Claim(String jobId, String worker) implements Checked {
        @Override
        public String missing() {
            return firstMissing(jobId, worker);
        }
    }

    /**
     * The coordinator's answer: run it from this document (which holds a submitted remote task), or skip it. A run
     * comes with the claim token: the updates and the result of this job count only when they carry it.
     */
    public record ClaimReply(boolean run, String reason, JobDocument job, String token, List<Input> inputs) {
        public ClaimReply(boolean run, String reason, JobDocument job, String token) {
            this(run, reason, job, token, List.of());
        }

        public ClaimReply {
            inputs = inputs == null ? List.of() : List.copyOf(inputs);
        }

        public static ClaimReply skip(String reason) {
            return new ClaimReply(false, reason, null, null);
        }
    }

    /**
     * One input image of a claimed job, by its sha256 (the name it has in cache/inputs/): a worker shares no disk
     * with the coordinator, so the bytes come with the claim. Images are not secrets; the claim reply is not
     * persistent either way.
     */
    public record Input(String sha256, byte[] bytes) {
    }

    /** Worker to coordinator, as it happens: one event of a running job and the document it was written with. */
    public record Update(String jobId, String worker, String token, JobDocument job, JobEvent event)
            implements Checked {
        @Override
        public String missing() {
            return firstMissing(jobId, worker, "token", token, "job", job, "event", event);
        }
    }

    /**
     * Worker to coordinator (request-reply) when the job has ended: the final document, its images and the events
     * held back until the images are stored (asset, done/failed/cancelled), so nobody sees a link before its file.
     */
    public record Result(String jobId, String worker, String token, JobDocument job, List<JobEvent> events,
                         List<Image> images) implements Checked {
        @Override
        public String missing() {
            return firstMissing(jobId, worker, "token", token, "job", job, "events", events, "images", images);
        }
    }

    /** One output image, by its file name in the job's folder. */
    public record Image(String name, byte[] bytes) {
    }

    /**
     * The coordinator's answer to a result: stored now, or not (a duplicate, ignored). {@code claimLost}: the
     * coordinator does not know this worker's claim (it restarted, or handed the job to another worker), so the
     * worker hands the job message back rather than acknowledging a result nobody stored.
     */
    public record Stored(boolean stored, String reason, boolean claimLost) {
        public static Stored yes() {
            return new Stored(true, null, false);
        }

        public static Stored no(String reason) {
            return new Stored(false, reason, false);
        }
    }

    /** Worker to coordinator every broker.heartbeat, so /api/health lists idle workers too. */
    public record Heartbeat(String worker, int busy, long jobsDone) implements Checked {
        @Override
        public String missing() {
            return worker == null || worker.isBlank() ? "worker" : null;
        }
    }
}
