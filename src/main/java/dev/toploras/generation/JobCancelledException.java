package dev.toploras.generation;

import dev.toploras.errors.ErrorCode;
import dev.toploras.jobs.JobException;
import java.util.Map;

/** Someone asked to cancel the job (a .cancel request); the worker stops at the next check. */
public class JobCancelledException extends JobException {
    public JobCancelledException(String jobId) {
        super(ErrorCode.CONFLICT, "job " + jobId + " was cancelled on request", Map.of("job_id", jobId));
    }
}
