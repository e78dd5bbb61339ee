package dev.toploras.modelscope;

import dev.toploras.errors.ErrorCode;

/** HTTP 429: quota or rate limit; retrying at once only burns more quota. */
public class UpstreamRateLimitedException extends UpstreamRejectedException {
    public UpstreamRateLimitedException(String message, int httpStatus) {
        super(message, httpStatus);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UPSTREAM_RATE_LIMITED;
    }
}
