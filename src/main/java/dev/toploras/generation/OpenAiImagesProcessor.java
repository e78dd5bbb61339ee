package dev.toploras.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.covers.ImageKind;
import dev.toploras.jobs.JobRequest;
import dev.toploras.modelscope.UpstreamException;
import dev.toploras.modelscope.UpstreamHttp;
import dev.toploras.modelscope.UpstreamRejectedException;
import dev.toploras.storage.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * For users who run their own model server: {@code POST {local.url}/v1/images/generations} in the OpenAI images
 * shape, asking for base64 so no second download is needed. No ModelScope token is ever sent here.
 */
public final class OpenAiImagesProcessor implements LocalProcessor {
    private final UpstreamHttp http;
    private final ObjectMapper json;
    private final URI endpoint;

    public OpenAiImagesProcessor(UpstreamHttp http, ObjectMapper json, String baseUrl) {
        this.http = http;
        this.json = json;
        String base = baseUrl.trim().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/v1/images/generations");
    }

    @Override
    public String name() {
        return "local-openai";
    }

    @Override
    public List<LocalImage> render(JobRequest job, Path dir) {
        ObjectNode body = json.createObjectNode();
        body.put("model", job.modelId());
        body.put("prompt", job.params().prompt());
        body.put("n", 1);
        body.put("size", job.params().width() + "x" + job.params().height());
        body.put("response_format", "b64_json");
        String what = "local image server " + endpoint;
        HttpResponse<byte[]> reply;
        try {
            reply = http.send(http.request(endpoint).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build(), what);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
        if (reply.statusCode() / 100 != 2) {
            throw UpstreamException.forStatus(reply.statusCode(), what);
        }
        List<LocalImage> out = new ArrayList<>();
        try {
            JsonNode data = json.readTree(reply.body()).path("data");
            for (JsonNode item : data) {
                String b64 = item.path("b64_json").asText("");
                if (b64.isEmpty()) {
                    continue;
                }
                byte[] bytes = Base64.getDecoder().decode(b64);
                ImageKind kind = ImageKind.sniff(bytes, bytes.length).orElseThrow(() ->
                        new UpstreamRejectedException(what + " sent data that is not an image", 200));
                Path file = dir.resolve(out.size() + "." + kind.extension());
                AtomicFiles.write(file, bytes);
                out.add(new LocalImage(file, kind.mime(), job.params().width(), job.params().height()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UpstreamRejectedException(what + " answered something unreadable: " + e.getMessage(), 200);
        }
        if (out.isEmpty()) {
            throw new UpstreamRejectedException(what + " returned no b64_json image", 200);
        }
        return out;
    }
}
