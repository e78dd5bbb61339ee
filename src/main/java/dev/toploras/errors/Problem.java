package dev.toploras.errors;

import java.util.Map;

/** A failure stored as data: what went wrong, in words a user can act on, and where. */
public record Problem(String code, String message, Map<String, Object> details) {
    public Problem {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static Problem of(ErrorCode code, String message) {
        return new Problem(code.wire(), message, Map.of());
    }

    public static Problem of(ErrorCode code, String message, Map<String, Object> details) {
        return new Problem(code.wire(), message, details);
    }

    /** A failure as data: the first cause that carries a code decides it; anything else is an internal error. */
    public static Problem from(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof Carrier carrier) {
                return carrier.problem();
            }
            if (c instanceof Coded coded) {
                return of(coded.code(), c.getMessage());
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return of(ErrorCode.INTERNAL_ERROR, root.getClass().getSimpleName() + ": " + root.getMessage());
    }

    /** Implemented by exceptions that carry the whole problem (code, message, details) as data. */
    public interface Carrier {
        Problem problem();
    }

    /** Implemented by exceptions that know which error code they are. */
    public interface Coded {
        ErrorCode code();
    }
}
