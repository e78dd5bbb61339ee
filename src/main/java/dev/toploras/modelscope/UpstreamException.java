package dev.toploras.modelscope;

import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.UpstreamStatus;

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
        return forStatus(status, what + " answered HTTP " + status, " (check MODELSCOPE_API_TOKEN)", null);
    }

    /**
     * The exception of a non-2xx reply of a call that carried the ModelScope token, its meaning from
     * {@link UpstreamStatus}: {@code message} says who answered what, {@code tokenHint} is added when the token was
     * refused, {@code cause} is kept when the server is unavailable.
     */
    public static UpstreamException forStatus(int status, String message, String tokenHint, Throwable cause) {
        return switch (UpstreamStatus.code(status, UpstreamStatus.Refusal.TOKEN)) {
            case UNAUTHORIZED -> new UpstreamUnauthorizedException(message + tokenHint, status);
            case UPSTREAM_RATE_LIMITED -> new UpstreamRateLimitedException(message
                    + " (rate limit or daily quota reached; try later)", status);
            case UPSTREAM_UNAVAILABLE -> new UpstreamUnavailableException(message, status, cause);
            default -> new UpstreamRejectedException(message, status);
        };
    }
}
