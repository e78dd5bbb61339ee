package dev.toploras.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.covers.ImageKind;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.UpstreamStatus;
import dev.toploras.jobs.JobRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI-images shape, for users who run their own model server (routes/local-openai.camel.yaml makes the
 * call): the request asks for base64 so no second download is needed; the reply's images are checked by their
 * magic bytes. No ModelScope token is ever sent there.
 */
public final class OpenAiImages {
    private final ObjectMapper json;

    public OpenAiImages(ObjectMapper json) {
        this.json = json;
    }

    /** The request body of {@code POST /v1/images/generations}. */
    public Map<String, Object> request(Map<String, Object> job) {
        JobRequest r = LocalJob.request(job);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", r.modelId());
        body.put("prompt", r.params().prompt());
        body.put("n", 1);
        body.put("size", r.params().width() + "x" + r.params().height());
        body.put("response_format", "b64_json");
        if (r.params().seed() != null) {
            body.put("seed", r.params().seed());
        }
        return body;
    }

    /** A 2xx reply of the server at {@code server} (local.url). */
    public record Reply(String server, byte[] body) {
    }

    /** The server's answer; any status but 2xx fails the job. */
    public Reply reply(byte[] reply, int status, String server) {
        if (status / 100 != 2) {
            // No token goes to this server, so its 401/403 is its own refusal, not a token to check.
            ErrorCode code = UpstreamStatus.code(status, UpstreamStatus.Refusal.NO_TOKEN);
            throw new LocalBackendException(code, "local image server " + server + " answered HTTP " + status
                    + "; check its log", Map.of("http_status", status));
        }
        return new Reply(server, reply);
    }

    /** The reply as images; an empty list or bytes that are not an image fail the job. */
    public List<RenderedImage> images(Reply answer, Map<String, Object> job) {
        String what = "local image server " + answer.server();
        byte[] reply = answer.body();
        JobRequest r = LocalJob.request(job);
        List<RenderedImage> out = new ArrayList<>();
        try {
            for (JsonNode item : json.readTree(reply).path("data")) {
                String b64 = item.path("b64_json").asText("");
                if (b64.isEmpty()) {
                    continue;
                }
                byte[] bytes = Base64.getDecoder().decode(b64);
                ImageKind kind = ImageKind.sniff(bytes, bytes.length).orElseThrow(() -> new LocalBackendException(
                        ErrorCode.UPSTREAM_REJECTED, what + " sent data that is not an image", Map.of()));
                out.add(new RenderedImage(bytes, kind.mime(), r.params().width(), r.params().height()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new LocalBackendException(ErrorCode.UPSTREAM_REJECTED, what + " answered something unreadable: "
                    + e.getMessage(), Map.of());
        }
        if (out.isEmpty()) {
            throw new LocalBackendException(ErrorCode.UPSTREAM_REJECTED, what
                    + " returned no b64_json image; check that it supports response_format=b64_json", Map.of());
        }
        return out;
    }

    /** The server could not be reached or did not answer in time (local.timeout). */
    public void unreachable(Exception e, String server) {
        throw new LocalBackendException(ErrorCode.UPSTREAM_UNAVAILABLE, "local image server " + server
                + " could not be reached (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                + "); start it or fix local.url", Map.of());
    }
}
