package dev.toploras.jobs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a request that passed schemas/job-request.schema.json into a {@link JobRequest}, checking what a schema
 * cannot: the task is one the runtime knows, ids cannot climb out of their folder, model and LoRA ids follow
 * {@link ModelId} (user text that reaches a URI must never be read as Camel placeholders or endpoint options), LoRA weights sum to 1.0 for a job
 * ModelScope may run (API-Inference refuses other sums; a local backend applies each weight as given), and the size
 * is within 64..2048 on each side.
 */
public final class JobRequestReader {
    private static final double WEIGHT_TOLERANCE = 1e-6;
    private final ObjectMapper json;
    private final Set<String> knownTasks;

    public JobRequestReader(ObjectMapper json, Set<String> knownTasks) {
        this.json = json;
        this.knownTasks = Set.copyOf(knownTasks);
    }

    public JobRequest read(byte[] body) {
        JsonNode n;
        try {
            // One document: text after it (garbage, a second object) would otherwise be dropped unseen.
            n = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidJobRequestException("$", "the request is not one JSON document: " + e.getOriginalMessage()
                    + dev.toploras.core.Json.where(e));
        } catch (IOException e) {
            throw new InvalidJobRequestException("$", "the request could not be read: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new InvalidJobRequestException("$", "a job request is a JSON object, e.g. {\"task\": ...}");
        }
        String jobId = text(n, "job_id");
        if (jobId == null) {
            jobId = UUID.randomUUID().toString();
        } else {
            jobId = new JobId(jobId).value();
        }
        String task = text(n, "task");
        if (task == null || task.startsWith(".") || task.contains("/") || task.contains("\\")) {
            throw new InvalidJobRequestException("task", "task '" + task + "' is not a task name; use one of "
                    + knownTasks);
        }
        if (!knownTasks.contains(task)) {
            throw new InvalidJobRequestException("task", "unknown task '" + task + "'; known tasks: " + knownTasks
                    + " (add it to catalog.tasks to allow it)");
        }
        JsonNode p = n.path("params");
        Backend backend = Backend.parse(text(n, "backend"));
        Map<String, Double> clip = clipStrengths(n.path("loras"), p.path("lora_clip"), backend);
        JobParams params = new JobParams(text(p, "prompt"), text(p, "negative_prompt"), text(p, "size"),
                p.hasNonNull("steps") ? p.get("steps").asInt() : null,
                p.hasNonNull("guidance") ? p.get("guidance").asDouble() : null,
                p.hasNonNull("seed") ? p.get("seed").asLong() : null,
                text(p, "sampler"),
                p.hasNonNull("strength") ? p.get("strength").asDouble() : null,
                text(p, "scheduler"), clip.isEmpty() ? null : clip, words(p.path("trigger_words")));
        if (params.prompt() == null || params.prompt().isBlank()) {
            throw new InvalidJobRequestException("params.prompt", "params.prompt is required and may not be blank");
        }
        checkSize(params);
        String modelId = ModelId.parse("model_id", text(n, "model_id")).toString();
        return new JobRequest(jobId, task, modelId, loras(n.path("loras"), backend), params, backend,
                text(n, "idempotency_key"), images(n.path("images")), java.util.List.of(),
                n.path("allow_base_mismatch").asBoolean(false));
    }

    /**
     * Input image refs, each one of: an http(s) URL with a host, {@code upload:<id>} (the sha256 POST /api/v1/uploads
     * answered), or a plain file name beside the job in inbox/ (never a path: no separator, no '..', not hidden).
     */
    static java.util.List<String> images(JsonNode images) {
        java.util.List<String> refs = new java.util.ArrayList<>();
        if (!images.isArray()) {
            return refs;
        }
        for (int i = 0; i < images.size(); i++) {
            String ref = images.get(i).asText();
            String field = "images[" + i + "]";
            String lower = ref.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                try {
                    java.net.URI u = new java.net.URI(ref);
                    if (u.getHost() == null || u.getHost().isBlank()) {
                        throw new java.net.URISyntaxException(ref, "no host");
                    }
                } catch (java.net.URISyntaxException e) {
                    throw new InvalidJobRequestException(field, "'" + ref + "' is not a usable URL ("
                            + e.getReason() + "); give a full http(s) URL such as https://example.com/in.png");
                }
            } else if (lower.startsWith("upload:")) {
                if (!ref.substring(7).matches("[0-9a-f]{64}")) {
                    throw new InvalidJobRequestException(field, "'" + ref + "' is not an upload id; use the "
                            + "upload_id POST /api/v1/uploads answered, as upload:<upload_id>");
                }
            } else if (lower.contains(":")) {
                throw new InvalidJobRequestException(field, "'" + ref + "': only http(s) URLs and upload:<id> refs "
                        + "are taken, or the name of an image file beside the job in inbox/");
            } else if (ref.contains("/") || ref.contains("\\") || ref.contains("..") || ref.startsWith(".")
                    || ref.chars().anyMatch(c -> c < 0x20) || ref.length() > 200) {
                throw new InvalidJobRequestException(field, "'" + ref + "' is not a plain file name: an inbox image is "
                        + "named without any folder ('/', '\\', '..') and not hidden; put the image beside the job "
                        + "in inbox/ and give its name, e.g. \"photo.png\"");
            }
            refs.add(ref);
        }
        return refs;
    }

    private static void checkSize(JobParams p) {
        if (p.size() == null) {
            return;
        }
        String[] wh = p.size().split("x");
        for (String side : wh) {
            int v = Integer.parseInt(side);
            if (v < 64 || v > 2048) {
                throw new InvalidJobRequestException("params.size", "params.size '" + p.size()
                        + "': width and height must each be 64..2048, e.g. 1024x1024");
            }
        }
    }

    private static Map<String, Double> loras(JsonNode loras, Backend backend) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (loras.isTextual()) {
            out.put(loras.asText(), 1.0);
        } else if (loras.isObject()) {
            // {"id": 0.8} or {"id": {"model": 0.8, "clip": 0.6}}: the weight is the model (UNet) strength.
            loras.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isObject()
                    ? e.getValue().path("model").asDouble() : e.getValue().asDouble()));
        }
        for (String id : out.keySet()) {
            // A ModelScope id reaches ModelScope's URIs: it must follow the one id rule (user text is never read as
            // a Camel placeholder or an endpoint option); an installed LoRA's name has its own rule (LoraKey).
            if (LoraKey.isInstalled(id)) {
                checkInstalled(id, backend);
            } else {
                ModelId.parse("loras", id);
            }
        }
        for (Map.Entry<String, Double> w : out.entrySet()) {
            checkWeight("loras." + w.getKey(), w.getValue(), backend);
        }
        if (loras.isObject()) {
            double sum = out.values().stream().mapToDouble(Double::doubleValue).sum();
            if (backend != Backend.LOCAL && Math.abs(sum - 1.0) > WEIGHT_TOLERANCE) {
                throw new InvalidJobRequestException("loras", out.size() == 1
                        ? "a single LoRA goes to ModelScope at weight 1.0, this one has " + sum + ": give it 1.0 (or"
                        + " its id as a string), or ask for \"backend\": \"local\", which applies the weight as given"
                        + " (with backend " + backend.wire() + " the job may run on ModelScope)"
                        : "loras weights must sum to 1.0, they sum to " + sum
                        + "; e.g. {\"a/lora\": 0.6, \"b/lora\": 0.4} (ModelScope's rule; with \"backend\": \"local\""
                        + " each weight is applied as given)");
            }
        }
        return out;
    }

    /**
     * ModelScope takes one weight per LoRA in (0, 1] (and the sum 1.0, checked above) wherever it may run the job;
     * a local job takes -2..2, as ComfyUI's LoraLoader and A1111's tag apply any strength (negative ones undo a
     * "slider" LoRA) and 0 would switch the LoRA off.
     */
    private static void checkWeight(String field, double w, Backend backend) {
        if (backend == Backend.LOCAL ? (w < -2 || w > 2 || w == 0) : (w <= 0 || w > 1)) {
            throw new InvalidJobRequestException(field, field + " is " + w + ": " + (backend == Backend.LOCAL
                    ? "a local job takes a weight from -2 to 2, not 0"
                    : "ModelScope takes a weight above 0 and at most 1 (with \"backend\": \"local\", -2 to 2)"));
        }
    }

    /**
     * Separate CLIP (text encoder) strengths: from {"id": {"model": m, "clip": c}} in loras, or params.lora_clip (a
     * job's params posted again). Local jobs only: ModelScope takes one weight per LoRA.
     */
    private static Map<String, Double> clipStrengths(JsonNode loras, JsonNode given, Backend backend) {
        Map<String, Double> clip = new LinkedHashMap<>();
        if (given.isObject()) {
            given.fields().forEachRemaining(e -> clip.put(e.getKey(), e.getValue().asDouble()));
        }
        if (loras.isObject()) {
            loras.fields().forEachRemaining(e -> {
                if (e.getValue().isObject() && e.getValue().hasNonNull("clip")) {
                    clip.put(e.getKey(), e.getValue().get("clip").asDouble());
                }
            });
        }
        if (!clip.isEmpty() && backend != Backend.LOCAL) {
            throw new InvalidJobRequestException("loras", "separate model/clip strengths are for \"backend\":"
                    + " \"local\" only; ModelScope takes one weight per LoRA");
        }
        for (Map.Entry<String, Double> c : clip.entrySet()) {
            if (!(loras.isObject() && loras.has(c.getKey())) && !(loras.isTextual() && loras.asText().equals(c.getKey()))) {
                throw new InvalidJobRequestException("params.lora_clip", "params.lora_clip names " + c.getKey()
                        + ", which is not one of the job's loras");
            }
            if (c.getValue() < -2 || c.getValue() > 2) {
                throw new InvalidJobRequestException("loras." + c.getKey() + ".clip", "the clip strength of "
                        + c.getKey() + " is " + c.getValue() + "; a local job takes -2 to 2");
            }
        }
        return clip;
    }

    /** A LoRA already on the local backend ("local:<name>") is for a local job only, and its name is strict. */
    private static void checkInstalled(String id, Backend backend) {
        if (!LoraKey.isInstalled(id)) {
            return;
        }
        if (backend != Backend.LOCAL) {
            throw new InvalidJobRequestException("loras", "'" + id + "' is a LoRA installed on the local backend;"
                    + " only a job with \"backend\": \"local\" can use it (ModelScope does not have it)");
        }
        LoraKey.installedName(id);
    }

    /** params.trigger_words: which of the LoRAs' trigger words the prompt was given (recorded, not applied). */
    private static java.util.List<String> words(JsonNode words) {
        if (!words.isArray() || words.isEmpty()) {
            return null;
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        words.forEach(w -> out.add(w.asText()));
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
