package dev.toploras.modelscope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * ModelScope API-Inference image generation: the only code that knows its field names. The token goes on the
 * submit and poll calls to the configured inference host and nowhere else; output images are fetched without it.
 */
public final class InferenceClient {
    private static final int MAX_REDIRECTS = 3;
    private final UpstreamHttp http;
    private final ObjectMapper json;
    private final String baseUrl;
    private final Supplier<Optional<String>> token;
    private final RequestTokens perJob;

    public InferenceClient(UpstreamHttp http, ObjectMapper json, String baseUrl, Supplier<Optional<String>> token,
                           RequestTokens perJob) {
        this.http = http;
        this.json = json;
        this.baseUrl = ListingClient.stripSlash(baseUrl);
        this.token = token;
        this.perJob = perJob;
    }

    /** A token sent with the job's own request wins over MODELSCOPE_API_TOKEN. */
    private Optional<String> tokenFor(String jobId) {
        return perJob.get(jobId).or(token);
    }

    public boolean hasToken(String jobId) {
        return tokenFor(jobId).isPresent();
    }

    /** Starts an asynchronous generation; returns ModelScope's task id. */
    public String submit(JobRequest job) {
        URI uri = URI.create(baseUrl + "/v1/images/generations");
        String what = "ModelScope API-Inference submit for job " + job.jobId();
        HttpRequest request = authorized(uri, what, job.jobId())
                .header("Content-Type", "application/json")
                .header("X-ModelScope-Async-Mode", "true")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(job)))
                .build();
        JsonNode reply = send(request, what);
        String taskId = reply.path("task_id").asText("");
        if (taskId.isBlank()) {
            throw new UpstreamRejectedException(what + " returned no task_id: " + errorMessage(reply), 200);
        }
        return taskId;
    }

    public RemoteTask poll(String taskId, String jobId) {
        URI uri = URI.create(baseUrl + "/v1/tasks/" + java.net.URLEncoder.encode(taskId,
                java.nio.charset.StandardCharsets.UTF_8));
        String what = "ModelScope API-Inference task " + taskId;
        HttpRequest request = authorized(uri, what, jobId)
                .header("X-ModelScope-Task-Type", "image_generation")
                .GET()
                .build();
        JsonNode reply = send(request, what);
        String status = reply.path("task_status").asText("").toUpperCase(Locale.ROOT);
        return switch (status) {
            case "SUCCEED", "SUCCEEDED" -> {
                List<String> urls = new ArrayList<>();
                reply.path("output_images").forEach(u -> urls.add(u.asText()));
                if (urls.isEmpty()) {
                    throw new UpstreamRejectedException(what + " succeeded without output_images", 200);
                }
                yield new RemoteTask(RemoteTask.State.SUCCEEDED, urls, null, null);
            }
            case "FAILED" -> new RemoteTask(RemoteTask.State.FAILED, List.of(),
                    reply.path("errors").path("code").asText("remote_failed"), errorMessage(reply));
            case "RUNNING", "PROCESSING" -> new RemoteTask(RemoteTask.State.RUNNING, List.of(), null, null);
            // PENDING, and anything new ModelScope may add: keep polling; the poll timeout bounds it.
            default -> new RemoteTask(RemoteTask.State.PENDING, List.of(), null, null);
        };
    }

    /** Fetches one output image (the URLs expire) without any credential; returns the open body. */
    public HttpResponse<InputStream> openImage(String url) {
        URI uri = URI.create(url);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new UpstreamRejectedException("output image URL is not http(s): " + uri, 0);
            }
            String what = "output image " + uri;
            HttpResponse<InputStream> reply = http.stream(http.request(uri).GET().build(), what);
            int status = reply.statusCode();
            if (status / 100 == 3 && reply.headers().firstValue("Location").isPresent()) {
                close(reply);
                uri = uri.resolve(reply.headers().firstValue("Location").get().replace(" ", "%20"));
                continue;
            }
            if (status / 100 != 2) {
                close(reply);
                throw UpstreamException.forStatus(status, what);
            }
            return reply;
        }
        throw new UpstreamRejectedException("output image " + url + " redirected more than " + MAX_REDIRECTS
                + " times", 0);
    }

    byte[] body(JobRequest job) {
        ObjectNode body = json.createObjectNode();
        body.put("model", job.modelId());
        JobParams p = job.params();
        body.put("prompt", p.prompt());
        putIfSet(body, "negative_prompt", p.negativePrompt());
        putIfSet(body, "size", p.size());
        if (p.seed() != null) {
            body.put("seed", p.seed());
        }
        if (p.steps() != null) {
            body.put("steps", p.steps());
        }
        if (p.guidance() != null) {
            body.put("guidance", p.guidance());
        }
        Map<String, Double> loras = job.loras();
        if (loras.size() == 1) {
            body.put("loras", loras.keySet().iterator().next());
        } else if (!loras.isEmpty()) {
            ObjectNode weights = body.putObject("loras");
            loras.forEach(weights::put);
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    private HttpRequest.Builder authorized(URI uri, String what, String jobId) {
        String t = tokenFor(jobId).orElseThrow(() -> new UpstreamUnauthorizedException(
                what + " needs a token: set MODELSCOPE_API_TOKEN or send X-ModelScope-Token", 401));
        return http.request(uri).header("Authorization", "Bearer " + t).header("Accept", "application/json");
    }

    private JsonNode send(HttpRequest request, String what) {
        HttpResponse<byte[]> reply = http.send(request, what);
        if (reply.statusCode() / 100 != 2) {
            UpstreamException e = UpstreamException.forStatus(reply.statusCode(), what);
            String upstream = errorMessage(parse(reply.body()));
            if (upstream.isEmpty()) {
                throw e;
            }
            throw withMessage(e, e.getMessage() + ": " + upstream);
        }
        JsonNode node = parse(reply.body());
        if (node.isMissingNode()) {
            throw new UpstreamRejectedException(what + " answered with something that is not JSON", 200);
        }
        return node;
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode n = json.readTree(body);
            return n == null ? json.missingNode() : n;
        } catch (IOException e) {
            return json.missingNode();
        }
    }

    private static UpstreamException withMessage(UpstreamException e, String message) {
        if (e instanceof UpstreamUnauthorizedException) {
            return new UpstreamUnauthorizedException(message, e.httpStatus());
        }
        if (e instanceof UpstreamRateLimitedException) {
            return new UpstreamRateLimitedException(message, e.httpStatus());
        }
        if (e instanceof UpstreamUnavailableException) {
            return new UpstreamUnavailableException(message, e.httpStatus(), null);
        }
        return new UpstreamRejectedException(message, e.httpStatus());
    }

    /** ModelScope puts messages in errors.message, sometimes in message or Message. */
    private static String errorMessage(JsonNode reply) {
        for (JsonNode m : List.of(reply.path("errors").path("message"), reply.path("message"),
                reply.path("Message"))) {
            if (m.isTextual() && !m.asText().isBlank()) {
                return m.asText().trim();
            }
        }
        return "";
    }

    private static void putIfSet(ObjectNode body, String field, String value) {
        if (value != null && !value.isEmpty()) {
            body.put(field, value);
        }
    }

    private static void close(HttpResponse<InputStream> reply) {
        try {
            reply.body().close();
        } catch (IOException ignored) {
            // nothing was read from a reply we are leaving
        }
    }
}
