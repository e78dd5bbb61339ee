package dev.toploras.jobs;

import dev.toploras.errors.ErrorCode;
import java.util.Map;

/** A status change the transition table forbids, e.g. cancelling a job that already succeeded. */
public class IllegalJobTransitionException extends JobException {
    public IllegalJobTransitionException(JobStatus from, JobStatus to) {
        super(ErrorCode.CONFLICT, "a job that is " + from + " cannot become " + to,
                Map.of("from", from.wire(), "to", to.wire()));
    }
}
