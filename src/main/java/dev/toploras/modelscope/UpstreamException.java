package dev.toploras.modelscope;

import dev.toploras.errors.ErrorCode;

/** ModelScope (or a host it sent us to) did not give what was asked; subclasses say whether retrying can help. */
public abstract class UpstreamException extends RuntimeException implements dev.toploras.errors.Problem.Coded {
    private final int httpStatus;

    protected UpstreamException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    public abstract ErrorCode code();

    /** The upstream HTTP status, or 0 when no reply came. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Maps a non-2xx reply to the exception that carries its meaning. */
    public static UpstreamException forStatus(int status, String what) {
        String msg = what + " answered HTTP " + status;
        if (status == 401 || status == 403) {
            return new UpstreamUnauthorizedException(msg + " (check MODELSCOPE_API_TOKEN)", status);
        }
        if (status == 429) {
            return new UpstreamRateLimitedException(msg + " (rate limit or daily quota reached; try later)", status);
        }
        if (status >= 500) {
            return new UpstreamUnavailableException(msg, status, null);
        }
        return new UpstreamRejectedException(msg, status);
    }
}
