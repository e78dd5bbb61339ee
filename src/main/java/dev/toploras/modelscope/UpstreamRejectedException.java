package dev.toploras.modelscope;

import dev.toploras.errors.ErrorCode;

/** A 4xx or an error envelope: the same request would fail again, so it is never retried. */
public class UpstreamRejectedException extends UpstreamException {
    public UpstreamRejectedException(String message, int httpStatus) {
        super(message, httpStatus, null);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UPSTREAM_REJECTED;
    }
}
