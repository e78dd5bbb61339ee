package dev.toploras.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;

/** A local backend's reply body as JSON: an empty body is an empty object, anything else unreadable a rejection. */
public final class BackendReply {
    private BackendReply() {
    }

    public static JsonNode tree(ObjectMapper json, String backend, byte[] body, int status) {
        try {
            return body == null || body.length == 0 ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            throw new LocalFailures.BackendRejected(backend, "a reply (HTTP " + status + ") is not JSON", Map.of());
        }
    }
}
