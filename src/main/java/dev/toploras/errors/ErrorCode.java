package dev.toploras.errors;

/** The one error vocabulary of files, CLI and API; each code carries the HTTP status it answers with. */
public enum ErrorCode {
    INVALID_REQUEST(400),
    UNAUTHORIZED(401),
    NOT_FOUND(404),
    /** The path exists, the HTTP method does not (e.g. GET on a POST endpoint). */
    METHOD_NOT_ALLOWED(405),
    /** The request's body did not arrive in time (server.body-timeout). */
    REQUEST_TIMEOUT(408),
    CONFLICT(409),
    PAYLOAD_TOO_LARGE(413),
    URI_TOO_LONG(414),
    /** The body is not JSON by its Content-Type. */
    UNSUPPORTED_MEDIA_TYPE(415),
    HEADERS_TOO_LARGE(431),
    UPSTREAM_RATE_LIMITED(429),
    INTERNAL_ERROR(500),
    UPSTREAM_UNAVAILABLE(502),
    /** The generation queue is full; the client may try again later. */
    QUEUE_FULL(503),
    UPSTREAM_REJECTED(502),
    TIMEOUT(504);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The spelling used on the wire and in files. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return wire();
    }
}
