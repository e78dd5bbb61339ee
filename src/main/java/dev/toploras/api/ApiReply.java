package dev.toploras.api;

import java.util.Map;

/** What an API bean answers: a status, a body serialised as JSON, and the few headers it means to send. */
public record ApiReply(int status, Object body, Map<String, String> headers) {
    public ApiReply {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static ApiReply ok(Object body) {
        return new ApiReply(200, body, Map.of());
    }

    /** A body sent as it is (text, bytes) with its own content type instead of JSON. */
    public static ApiReply raw(int status, String contentType, Object body) {
        return new ApiReply(status, new Raw(contentType, body), Map.of());
    }

    public record Raw(String contentType, Object content) {
    }

    public static ApiReply accepted(Object body) {
        return new ApiReply(202, body, Map.of());
    }
}
