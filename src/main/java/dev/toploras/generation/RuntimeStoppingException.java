package dev.toploras.generation;

import dev.toploras.errors.ErrorCode;
import dev.toploras.jobs.JobException;
import java.util.Map;

/** Thrown in a worker when the runtime stops: the job is left as stored (running) and resumed at the next start. */
public class RuntimeStoppingException extends JobException {
    public RuntimeStoppingException(String jobId) {
        super(ErrorCode.INTERNAL_ERROR, "the runtime is stopping; job " + jobId + " resumes at the next start",
                Map.of("job_id", jobId));
    }
}
