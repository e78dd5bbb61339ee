package dev.toploras.api;

import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import java.util.Map;

/** A request the API answers with an error of the one shape: {"error": {code, message, details}}. */
public class ApiException extends RuntimeException implements Problem.Coded {
    private final ErrorCode code;
    private final Map<String, Object> details;

    public ApiException(ErrorCode code, String message, Map<String, Object> details) {
        super(message);
        this.code = code;
        this.details = details == null ? Map.of() : details;
    }

    public static ApiException notFound(String what) {
        return new ApiException(ErrorCode.NOT_FOUND, what + " not found", Map.of());
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(ErrorCode.INVALID_REQUEST, message, Map.of("field", field));
    }

    public static ApiException conflict(String message, Map<String, Object> details) {
        return new ApiException(ErrorCode.CONFLICT, message, details);
    }

    @Override
    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }
}
