package dev.toploras.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.generation.JobIntake;
import dev.toploras.jobs.InvalidJobRequestException;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import dev.toploras.modelscope.RequestTokens;
import dev.toploras.runs.RunHandle;
import dev.toploras.runs.RunItem;
import dev.toploras.runs.RunKind;
import dev.toploras.runs.RunStore;
import dev.toploras.storage.SchemaFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * POST /api/v1/batches (compare mode): one prompt and parameters across several models or LoRAs. The batch is a
 * run whose items are its jobs; every job is checked like any other request before any of them is stored, so a
 * batch starts whole or not at all.
 */
public final class BatchApi {
    public static final int MAX_ITEMS = 12;
    private static final Set<String> BATCH_FIELDS = Set.of("task", "model_id", "params", "backend", "items");
    private static final Set<String> ITEM_FIELDS = Set.of("model_id", "loras");
    private final JobIntake intake;
    private final JobRequestReader reader;
    private final SchemaFile requestSchema;
    private final RunStore runs;
    private final JobStore jobs;
    private final RequestTokens tokens;
    private final IntSupplier queueRoom;
    private final ObjectMapper json;

    public BatchApi(JobIntake intake, JobRequestReader reader, RunStore runs, JobStore jobs, RequestTokens tokens,
                    IntSupplier queueRoom, ObjectMapper json) {
        this.intake = intake;
        this.reader = reader;
        this.requestSchema = new SchemaFile("schemas/job-request.schema.json");
        this.runs = runs;
        this.jobs = jobs;
        this.tokens = tokens;
        this.queueRoom = queueRoom;
        this.json = json;
    }

    /** What a started batch hands to the queue and to the caller. */
    public record Started(String runId, List<String> jobIds) {
    }

    public Started start(byte[] body, String token) {
        JsonNode batch = parse(body);
        String runId = runs.newRunId();
        List<byte[]> requests = expand(batch, runId);
        if (queueRoom.getAsInt() < requests.size()) {
            throw new ApiException(ErrorCode.QUEUE_FULL, "the generation queue has room for fewer than "
                    + requests.size() + " jobs; try again shortly", Map.of());
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("task", batch.get("task").asText());
        params.put("prompt", batch.path("params").path("prompt").asText());
        params.put("jobs", requests.size());
        RunHandle run = runs.start(RunKind.BATCH, params, runId);
        List<String> ids = new ArrayList<>();
        for (byte[] r : requests) {
            JobIntake.Acceptance a = intake.acceptRequest(r, "batch " + runId);
            tokens.put(a.jobId(), token);
            JobDocument doc = jobs.find(a.jobId()).orElseThrow();
            run.item(a.jobId(), label(doc), doc.status().wire());
            ids.add(a.jobId());
        }
        run.flush();
        return new Started(runId, ids);
    }

    public ApiReply accepted(Started s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run_id", s.runId());
        body.put("state", "running");
        body.put("jobs", s.jobIds().stream().map(id -> Map.of("job_id", id, "status", "queued")).toList());
        return new ApiReply(202, body, Map.of("Location", "/api/v1/runs/" + s.runId()));
    }

    /**
     * Brings a running batch up to date with its jobs (the job store is the truth; the run follows it) and ends it
     * when every job has ended: completed, or completed_with_warnings when a job failed or fell back.
     */
    public void sync(String runId) {
        Optional<RunHandle> maybe = runs.running(runId);
        if (maybe.isEmpty() || !RunKind.BATCH.wire().equals(maybe.get().document().kind())) {
            return;
        }
        RunHandle run = maybe.get();
        boolean allEnded = true;
        for (RunItem item : run.items()) {
            Optional<JobDocument> job = jobs.find(item.itemId());
            if (job.isEmpty()) {
                continue;
            }
            JobDocument doc = job.get();
            String status = doc.status().wire();
            if (!status.equals(run.stageOf(item.itemId()))) {
                run.stage(item.itemId(), status, "job " + status);
                if (doc.error() != null) {
                    run.failItem(item.itemId(), doc.error().message());
                }
                for (Problem note : doc.meta().notes()) {
                    if (note.code().startsWith("FALLBACK")) {
                        run.warn(item.itemId(), note.message());
                    }
                }
            }
            allEnded &= doc.status().isTerminal();
        }
        if (allEnded) {
            run.finish(null);
        } else {
            run.flush();
        }
    }

    /** One job request per item, each checked by the job-request schema and the reader, with its item named. */
    List<byte[]> expand(JsonNode batch, String runId) {
        batch.fieldNames().forEachRemaining(f -> {
            if (!BATCH_FIELDS.contains(f)) {
                throw new InvalidJobRequestException(f, "unknown field '" + f + "' in the batch; allowed: "
                        + BATCH_FIELDS);
            }
        });
        JsonNode items = batch.path("items");
        if (!items.isArray() || items.isEmpty() || items.size() > MAX_ITEMS) {
            throw new InvalidJobRequestException("items", "items must list 1 to " + MAX_ITEMS
                    + " entries, each {model_id?, loras}");
        }
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            int index = i;
            item.fieldNames().forEachRemaining(f -> {
                if (!ITEM_FIELDS.contains(f)) {
                    throw new InvalidJobRequestException("items[" + index + "]." + f, "unknown field '" + f
                            + "' in items[" + index + "]; allowed: " + ITEM_FIELDS);
                }
            });
            ObjectNode req = json.createObjectNode();
            req.put("job_id", runId + "-" + i);
            req.set("task", batch.get("task"));
            req.set("model_id", item.has("model_id") ? item.get("model_id") : batch.get("model_id"));
            if (item.has("loras")) {
                req.set("loras", item.get("loras"));
            }
            req.set("params", batch.get("params"));
            if (batch.has("backend")) {
                req.set("backend", batch.get("backend"));
            }
            req.fields().forEachRemaining(e -> {
                if (e.getValue() == null) {
                    req.remove(e.getKey());
                }
            });
            List<ValidationMessage> errors = requestSchema.errors(req);
            if (!errors.isEmpty()) {
                ValidationMessage first = errors.get(0);
                throw new InvalidJobRequestException("items[" + i + "]: " + first.getMessage(), Map.of(
                        "item", i, "field", String.valueOf(first.getInstanceLocation()),
                        "errors", errors.stream().map(ValidationMessage::getMessage).toList()));
            }
            byte[] bytes = bytes(req);
            try {
                reader.read(bytes);
            } catch (dev.toploras.jobs.JobException e) {
                Map<String, Object> details = new LinkedHashMap<>(e.problem().details());
                details.put("item", i);
                throw new InvalidJobRequestException("items[" + i + "]: " + e.getMessage(), details);
            }
            out.add(bytes);
        }
        return out;
    }

    private static String label(JobDocument doc) {
        return doc.loras().isEmpty() ? doc.modelId() : String.join(" + ", doc.loras().keySet());
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode n = json.readTree(body);
            if (n == null || !n.isObject()) {
                throw new InvalidJobRequestException("$", "the batch must be a JSON object {task, model_id, params, "
                        + "items: [{model_id?, loras}]}");
            }
            return n;
        } catch (IOException e) {
            throw new InvalidJobRequestException("$", "the batch is not valid JSON: " + e.getMessage());
        }
    }

    private byte[] bytes(JsonNode n) {
        try {
            return json.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
