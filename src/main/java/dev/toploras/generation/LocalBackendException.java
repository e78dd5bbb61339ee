package dev.toploras.generation;

import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.jobs.JobException;
import java.util.Map;

/**
 * A local backend could not render the job. Thrown by backend routes and beans (routes/local-*.camel.yaml); the
 * job fails with this problem. A backend that cannot be reached uses {@code upstream_unavailable}.
 */
public class LocalBackendException extends JobException {
    public LocalBackendException(ErrorCode code, String message, Map<String, Object> details) {
        super(code, message, details);
    }

    public LocalBackendException(Problem problem) {
        super(problem);
    }
}
