package dev.toploras.jobs;

import dev.toploras.errors.ErrorCode;
import java.util.Map;

/** A request names a job that exists already with a different request: one job id is one request, for good. */
public class JobConflictException extends JobException {
    public JobConflictException(String jobId, JobStatus status) {
        super(ErrorCode.CONFLICT, "job_id '" + jobId + "' is taken by an earlier job with a different request ("
                + status.wire() + "); leave job_id out to get a fresh one, or choose another",
                Map.of("field", "job_id", "job_id", jobId, "status", status.wire()));
    }
}
