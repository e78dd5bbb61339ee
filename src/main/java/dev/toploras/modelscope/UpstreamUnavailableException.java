package dev.toploras.modelscope;

import dev.toploras.errors.ErrorCode;

/** Connection refused or reset, or a 5xx: worth retrying (the routes' redelivery policy does so). */
public class UpstreamUnavailableException extends UpstreamException {
    public UpstreamUnavailableException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UPSTREAM_UNAVAILABLE;
    }
}
