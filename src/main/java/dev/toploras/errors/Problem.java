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
}
