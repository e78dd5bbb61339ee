package dev.toploras.modelscope;

import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * ModelScope API-Inference image generation: the only code that knows its field names and what its replies mean.
 * The calls themselves are camel-http steps of routes/generation.camel.yaml; this bean builds their bodies, reads
 * their (unmarshalled) replies and turns failures into the project's upstream errors. It also says which token a
 * job uses and where that token came from, so an error can name the right one.
 */
public final class InferenceClient {
    /** What ModelScope's task ids look like; anything else would be pasted into the poll URL. */
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private final Supplier<Optional<String>> token;
    private final RequestTokens perJob;
    private final java.util.function.Function<dev.toploras.jobs.InputImage, Optional<String>> imageRefs;

    public InferenceClient(Supplier<Optional<String>> token, RequestTokens perJob) {
        this(token, perJob, in -> in.isUrl() ? Optional.of(in.source()) : Optional.empty());
    }

    /** {@code imageRefs}: what image_url carries for an input (its URL, a data: URI or a public link), if anything. */
    public InferenceClient(Supplier<Optional<String>> token, RequestTokens perJob,
                           java.util.function.Function<dev.toploras.jobs.InputImage, Optional<String>> imageRefs) {
        this.token = token;
        this.perJob = perJob;
        this.imageRefs = imageRefs;
    }

    /** Where a job's token comes from; a token sent with the job's own request wins over MODELSCOPE_API_TOKEN. */
    public enum TokenSource {
        REQUEST("the X-ModelScope-Token header of the request"),
        ENVIRONMENT(ModelScopeToken.ENV),
        NONE("no token");

        private final String words;

        TokenSource(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    public TokenSource tokenSource(String jobId) {
        if (perJob.get(jobId).isPresent()) {
            return TokenSource.REQUEST;
        }
        return token.get().isPresent() ? TokenSource.ENVIRONMENT : TokenSource.NONE;
    }

    public boolean hasToken(String jobId) {
        return tokenSource(jobId) != TokenSource.NONE;
    }

    /** The job's token, for a route variable that becomes the Authorization header right before the call. */
    public String token(String jobId) {
        return perJob.get(jobId).or(token).orElseThrow(() -> new UpstreamUnauthorizedException(
                "ModelScope API-Inference needs a token for job " + jobId
                        + ": set MODELSCOPE_API_TOKEN or send X-ModelScope-Token with the request", 401));
    }

    /** The body of {@code POST /v1/images/generations}. */
    public Map<String, Object> request(JobDocument job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", job.modelId());
        JobParams p = job.params();
        body.put("prompt", p.prompt());
        putIfSet(body, "negative_prompt", p.negativePrompt());
        putIfSet(body, "size", p.size());
        putIfSet(body, "seed", p.seed());
        putIfSet(body, "steps", p.steps());
        putIfSet(body, "guidance", p.guidance());
        putImages(body, job);
        Map<String, Double> loras = job.loras();
        if (loras.size() == 1) {
            body.put("loras", loras.keySet().iterator().next());
        } else if (!loras.isEmpty()) {
            body.put("loras", new LinkedHashMap<>(loras));
        }
        return body;
    }

    /**
     * image_url: one input as a string, as ModelScope's API-Inference docs give it (type string, "the URL of the image
     * to edit", "must be reachable from the public internet"; copied in FactrueSolin/image-edit-rmcp
     * docs/魔搭生图docs.md): text-to-image and editing share POST /v1/images/generations and differ by model and
     * image_url. Two or three (the multi-image Qwen-Image-Edit-2509 models) go as a list of strings, which the docs do
     * not show (docs/inputs.md says so). An input ModelScope cannot be given (an upload
     * with neither inputs.remote-data-uri nor server.public-url) fails the remote attempt; auto runs locally instead.
     */
    private void putImages(Map<String, Object> body, JobDocument job) {
        List<String> refs = new ArrayList<>();
        for (dev.toploras.jobs.InputImage in : job.inputs()) {
            refs.add(imageRefs.apply(in).orElseThrow(() -> new InputUnreachableException("input image "
                    + in.index() + " (" + in.source() + ") cannot reach ModelScope: set server.public-url to this "
                    + "server's public address, or inputs.remote-data-uri=true to send it inline")));
        }
        if (refs.size() == 1) {
            body.put("image_url", refs.get(0));
        } else if (!refs.isEmpty()) {
            body.put("image_url", refs);
        }
    }

    /** The task id of a submit reply; a reply without one (or with one unfit for a URL) is refused. */
    public String taskId(Object reply, String jobId) {
        String what = "ModelScope API-Inference submit for job " + jobId;
        String id = text(field(reply, "task_id"));
        if (id.isBlank()) {
            throw new UpstreamRejectedException(what + " returned no task_id: " + errorMessage(reply), 200);
        }
        if (!TASK_ID.matcher(id).matches()) {
            throw new UpstreamRejectedException(what + " returned a task_id that is not a plain id: " + id, 200);
        }
        return id;
    }

    /** One poll reply in the project's words. */
    public RemoteTask task(Object reply, String taskId) {
        String what = "ModelScope API-Inference task " + taskId;
        String status = text(field(reply, "task_status")).toUpperCase(Locale.ROOT);
        return switch (status) {
            case "SUCCEED", "SUCCEEDED" -> {
                List<String> urls = new ArrayList<>();
                if (field(reply, "output_images") instanceof List<?> list) {
                    list.forEach(u -> urls.add(String.valueOf(u)));
                }
                if (urls.isEmpty()) {
                    throw new UpstreamRejectedException(what + " succeeded without output_images", 200);
                }
                yield new RemoteTask(RemoteTask.State.SUCCEEDED, urls, null, null);
            }
            case "FAILED" -> {
                String code = text(field(field(reply, "errors"), "code"));
                yield new RemoteTask(RemoteTask.State.FAILED, List.of(), code.isEmpty() ? "remote_failed" : code,
                        errorMessage(reply));
            }
            case "RUNNING", "PROCESSING" -> new RemoteTask(RemoteTask.State.RUNNING, List.of(), null, null);
            // PENDING, and anything new ModelScope may add: keep polling; the poll timeout bounds it.
            default -> new RemoteTask(RemoteTask.State.PENDING, List.of(), null, null);
        };
    }

    /**
     * A failed call (after the retries of its route) as the project's error: a refused token names where the token
     * came from and ModelScope's own explanation is kept; replies map as
     * UpstreamException.forStatus maps them (errors/UpstreamStatus).
     */
    public void failure(Exception e, String call, String jobId) {
        throw upstream(e, "ModelScope API-Inference " + call, tokenSource(jobId));
    }

    /** {@code source} null: the call carried no token, so a 401/403 names none. */
    public static UpstreamException upstream(Exception e, String what, TokenSource source) {
        if (e instanceof HttpOperationFailedException h) {
            int status = h.getStatusCode();
            String upstream = errorMessage(parse(h.getResponseBody()));
            String msg = what + " answered HTTP " + status + (upstream.isEmpty() ? "" : ": " + upstream);
            return UpstreamException.forStatus(status, msg, source == null ? ""
                    : " (the token from " + source.words() + " was refused; check it)", e);
        }
        // no reply at all (timeouts, connection errors): the catalog's meaning, decided in one place
        return UpstreamErrors.translate(e, what) instanceof UpstreamException u ? u
                : new UpstreamUnavailableException(what + " failed: " + e.getMessage(), 0, e);
    }

    private static Object parse(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        try {
            return dev.toploras.core.Json.mapper().readValue(body, Object.class);
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static Object field(Object node, String name) {
        return node instanceof Map<?, ?> m ? m.get(name) : null;
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value).trim();
    }

    /** ModelScope puts messages in errors.message, sometimes in message or Message. */
    private static String errorMessage(Object reply) {
        for (Object m : new Object[] {field(field(reply, "errors"), "message"), field(reply, "message"),
            field(reply, "Message")}) {
            if (m instanceof String s && !s.isBlank()) {
                return s.trim();
            }
        }
        return "";
    }

    private static void putIfSet(Map<String, Object> body, String field, Object value) {
        if (value != null && !"".equals(value)) {
            body.put(field, value);
        }
    }
}
