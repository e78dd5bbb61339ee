package dev.toploras.jobs;

import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import java.util.Map;

/** A job could not be accepted or carried out; {@link #problem()} is what the user sees, stored as data. */
public class JobException extends RuntimeException implements Problem.Carrier {
    private final transient Problem problem;

    public JobException(ErrorCode code, String message, Map<String, Object> details) {
        super(message);
        this.problem = Problem.of(code, message, details);
    }

    public JobException(Problem problem) {
        super(problem.message());
        this.problem = problem;
    }

    @Override
    public Problem problem() {
        return problem;
    }
}
