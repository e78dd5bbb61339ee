package dev.toploras.modelscope;

import dev.toploras.errors.ErrorCode;

/** HTTP 401/403: the token is missing, wrong or lacks access. */
public class UpstreamUnauthorizedException extends UpstreamRejectedException {
    public UpstreamUnauthorizedException(String message, int httpStatus) {
        super(message, httpStatus);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UNAUTHORIZED;
    }
}
