package dev.toploras.modelscope;

import dev.toploras.errors.ErrorCode;

/** No reply within http.timeout; retried like any other unavailability. */
public class UpstreamTimeoutException extends UpstreamUnavailableException {
    public UpstreamTimeoutException(String message, Throwable cause) {
        super(message, 0, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.TIMEOUT;
    }
}
