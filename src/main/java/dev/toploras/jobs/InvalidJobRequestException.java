package dev.toploras.jobs;

import dev.toploras.errors.ErrorCode;
import java.util.Map;

/** A job request that cannot be run as written; the message names the field and how to fix it. */
public class InvalidJobRequestException extends JobException {
    public InvalidJobRequestException(String field, String message) {
        super(ErrorCode.INVALID_REQUEST, message, Map.of("field", field));
    }

    public InvalidJobRequestException(String message, Map<String, Object> details) {
        super(ErrorCode.INVALID_REQUEST, message, details);
    }
}
