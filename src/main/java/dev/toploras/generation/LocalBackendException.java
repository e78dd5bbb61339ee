package dev.toploras.generation;

import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.jobs.JobException;
import java.util.Map;

/**
 * A local backend could not render the job; its {@link Problem} becomes the job's error. Stand-in for the class the
 * flows rework defines at the local-processor seam (docs/seams.md), with the same name and constructors.
 */
public class LocalBackendException extends JobException {
    public LocalBackendException(ErrorCode code, String message, Map<String, Object> details) {
        super(code, message, details);
    }

    public LocalBackendException(Problem problem) {
        super(problem);
    }
}
