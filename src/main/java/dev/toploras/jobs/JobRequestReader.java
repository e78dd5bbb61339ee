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
 * cannot: the task is one the runtime knows, ids cannot climb out of their folder, LoRA weights sum to 1.0 for a job
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
                    + dev.toploras.storage.Json.where(e));
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
        JobParams params = new JobParams(text(p, "prompt"), text(p, "negative_prompt"), text(p, "size"),
                p.hasNonNull("steps") ? p.get("steps").asInt() : null,
                p.hasNonNull("guidance") ? p.get("guidance").asDouble() : null,
                p.hasNonNull("seed") ? p.get("seed").asLong() : null,
                text(p, "sampler"),
                p.hasNonNull("strength") ? p.get("strength").asDouble() : null);
        if (params.prompt() == null || params.prompt().isBlank()) {
            throw new InvalidJobRequestException("params.prompt", "params.prompt is required and may not be blank");
        }
        checkSize(params);
        Backend backend = Backend.parse(text(n, "backend"));
        return new JobRequest(jobId, task, text(n, "model_id"), loras(n.path("loras"), backend), params, backend,
                text(n, "idempotency_key"));
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
            loras.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
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

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
