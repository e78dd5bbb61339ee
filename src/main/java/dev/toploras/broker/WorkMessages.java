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

    static <T> T read(ObjectMapper json, String body, Class<T> type) {
        try {
            return json.readValue(body, type);
        } catch (IOException e) {
            throw new BrokerException("a broker message is not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    static String write(ObjectMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Worker to coordinator (request-reply): may I run this job, and what does the store know of it? */
    public record Claim(String jobId, String worker) {
    }

    /** The coordinator's answer: run it from this document (which holds a submitted remote task), or skip it. */
    public record ClaimReply(boolean run, String reason, JobDocument job) {
        public static ClaimReply skip(String reason) {
            return new ClaimReply(false, reason, null);
        }
    }

    /** Worker to coordinator, as it happens: one event of a running job and the document it was written with. */
    public record Update(String jobId, String worker, JobDocument job, JobEvent event) {
    }

    /**
     * Worker to coordinator (request-reply) when the job has ended: the final document, its images and the events
     * held back until the images are stored (asset, done/failed/cancelled), so nobody sees a link before its file.
     */
    public record Result(String jobId, String worker, JobDocument job, List<JobEvent> events, List<Image> images) {
    }

    /** One output image, by its file name in the job's folder. */
    public record Image(String name, byte[] bytes) {
    }

    /** The coordinator's answer to a result: stored now, or already stored before (a duplicate, ignored). */
    public record Stored(boolean stored, String reason) {
    }

    /** Worker to coordinator every broker.heartbeat, so /api/health lists idle workers too. */
    public record Heartbeat(String worker, int busy, long jobsDone) {
    }
}
