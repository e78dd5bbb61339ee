package dev.toploras.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.generation.JobIntake;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobId;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.modelscope.RequestTokens;
import dev.toploras.runtime.Home;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.IntSupplier;
import org.apache.camel.Header;

/**
 * /api/v1/generate and /api/v1/jobs: the same job store and queue as the inbox, seen over HTTP. The job documents
 * are answered as stored, plus what a client needs to follow them (progress, recent log lines, asset URLs).
 */
public final class JobsApi {
    private static final int LOG_LINES = 20;
    private final Home home;
    private final JobStore store;
    private final JobIntake intake;
    private final RequestTokens tokens;
    private final IntSupplier queueRoom;
    private final ObjectMapper json;
    private final int maxWaitSeconds;
    /**
     * A waiting request holds one of the HTTP server's worker threads (platform-http runs every exchange on one), so
     * only this many wait at once; the others are answered at once with 202, as if their wait had run out. Reads
     * always find a free thread.
     */
    private final Semaphore waiting;

    public JobsApi(Home home, JobStore store, JobIntake intake, RequestTokens tokens, IntSupplier queueRoom,
                   ObjectMapper json, int maxWaitSeconds, int maxWaiting) {
        this.maxWaitSeconds = maxWaitSeconds;
        this.waiting = new Semaphore(maxWaiting);
        this.home = home;
        this.store = store;
        this.intake = intake;
        this.tokens = tokens;
        this.queueRoom = queueRoom;
        this.json = json;
    }

    /** Accepts a request that passed the schema; a token sent with it is kept for this job only, in memory. */
    public JobIntake.Acceptance accept(byte[] body, String token) {
        if (queueRoom.getAsInt() <= 0) {
            throw new ApiException(ErrorCode.QUEUE_FULL, "the generation queue is full; try again shortly or raise "
                    + "generation.queue-size", Map.of());
        }
        JobIntake.Acceptance a = intake.acceptRequest(body, "HTTP");
        if (a.created()) {
            tokens.put(a.jobId(), token);
        }
        return a;
    }

    /** {@code ?wait} checked before anything is created: a request the API rejects leaves nothing behind. */
    public Integer waitSeconds(@Header("wait") Object wait) {
        return Queries.wholeNumber("wait", wait, 0, maxWaitSeconds);
    }

    /** 202 at once, or with {@code ?wait=N} the seed-002 envelope once the job ends (202 again if it has not). */
    public ApiReply accepted(JobIntake.Acceptance a, Integer wait) throws InterruptedException {
        if (wait != null && wait > 0 && waiting.tryAcquire()) {
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(wait).toNanos();
                while (System.nanoTime() < deadline) {
                    JobDocument doc = document(a.jobId());
                    if (doc.status().isTerminal()) {
                        return new ApiReply(200, envelope(doc), Map.of());
                    }
                    Thread.sleep(100);
                }
            } finally {
                waiting.release();
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", a.jobId());
        body.put("status", document(a.jobId()).status().wire());
        if (!a.created()) {
            body.put("existing", true);
        }
        return new ApiReply(202, body, Map.of("Location", "/api/v1/generate/" + a.jobId()));
    }

    public ApiReply get(@Header("job_id") String jobId) {
        return ApiReply.ok(view(document(jobId)));
    }

    /** Idempotent while the job can still be stopped; 409 once it has ended. */
    public ApiReply cancel(@Header("job_id") String jobId) {
        JobDocument doc = document(jobId);
        if (doc.status().isTerminal() && doc.status() != JobStatus.CANCELLED) {
            throw ApiException.conflict("job " + jobId + " has already " + doc.status().wire(),
                    Map.of("job_id", jobId, "status", doc.status().wire()));
        }
        if (!doc.status().isTerminal()) {
            store.requestCancel(doc);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", jobId);
        body.put("status", doc.status().wire());
        body.put("cancel_requested", true);
        return ApiReply.ok(body);
    }

    public ApiReply list(@Header("status") String status, @Header("task") String task,
                         @Header("model_id") String modelId, @Header("q") String q, @Header("limit") Object limit,
                         @Header("cursor") String cursor) {
        JobStatus st = blank(status) ? null : parseStatus(status);
        String needle = blank(q) ? null : q.trim().toLowerCase(Locale.ROOT);
        List<JobDocument> matching = store.all().stream()
                .filter(d -> st == null || d.status() == st)
                .filter(d -> blank(task) || d.task().equals(task.trim()))
                .filter(d -> blank(modelId) || d.modelId().equals(modelId.trim()))
                .filter(d -> needle == null || (d.jobId() + " " + d.params().prompt() + " " + d.modelId() + " "
                        + d.loras().keySet()).toLowerCase(Locale.ROOT).contains(needle))
                .toList();
        Pager.Page<JobDocument> page = Pager.page(matching,
                d -> Pager.descending(d.createdAt().toEpochMilli()) + "|" + d.jobId(), cursor, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobs", page.items().stream().map(this::withAssetUrls).toList());
        body.put("total", page.total());
        body.put("next_cursor", page.nextCursor());
        return ApiReply.ok(body);
    }

    /** The job with progress and its last log lines, as GET /api/v1/generate/{id} shows it. */
    ObjectNode view(JobDocument doc) {
        ObjectNode out = withAssetUrls(doc);
        int progress = 0;
        String stage = null;
        String message = null;
        Deque<String> log = new ArrayDeque<>();
        Path events = store.eventsFile(doc.task(), doc.jobId());
        if (Files.isRegularFile(events)) {
            try (BufferedReader r = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode e = parse(line);
                    if (e == null) {
                        continue;
                    }
                    progress = Math.max(progress, e.path("progress").asInt());
                    stage = e.path("stage").asText(stage);
                    message = e.path("message").asText(message);
                    log.addLast(e.path("ts").asText() + " " + e.path("stage").asText() + " " + e.path("message").asText());
                    if (log.size() > LOG_LINES) {
                        log.removeFirst();
                    }
                }
            } catch (IOException e) {
                log.addLast("(log unreadable: " + e.getMessage() + ")");
            }
        }
        out.put("progress", doc.status().isTerminal() ? 100 : progress);
        out.put("stage", stage);
        out.put("message", message);
        Path manifest = store.manifestFile(doc.task(), doc.jobId());
        out.put("manifest_url", Files.isRegularFile(manifest) ? HttpEdge.assetUrl(home.root(),
                home.cache().resolve("outputs"), "/assets/outputs/", home.root().relativize(manifest).toString())
                : null);
        ArrayNode lines = out.putArray("log");
        log.forEach(lines::add);
        return out;
    }

    /** Each result image also as a URL under /assets/outputs, which is what a browser can load. */
    ObjectNode withAssetUrls(JobDocument doc) {
        ObjectNode out = json.valueToTree(doc);
        Path outputs = home.cache().resolve("outputs");
        for (JsonNode r : out.path("result")) {
            JsonNode data = r.path("data");
            String url = data.isObject() ? HttpEdge.assetUrl(home.root(), outputs, "/assets/outputs/",
                    data.path("url").asText(null)) : null;
            if (url != null) {
                ((ObjectNode) data).put("asset_url", url);
            }
        }
        for (dev.toploras.jobs.InputImage in : doc.inputs()) {
            ((ObjectNode) out.path("inputs").get(in.index())).put("asset_url",
                    "/assets/" + doc.jobId() + "/inputs/" + in.index() + "." + in.extension());
        }
        return out;
    }

    /** Seed 002: what a caller that waited needs, in one object. */
    Map<String, Object> envelope(JobDocument doc) {
        ObjectNode view = withAssetUrls(doc);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("ok", doc.status() == JobStatus.SUCCEEDED);
        env.put("jobId", doc.jobId());
        if (doc.status() == JobStatus.SUCCEEDED) {
            String first = view.at("/result/0/data/asset_url").asText(null);
            String last = view.at("/result/" + Math.max(0, doc.result().size() - 1) + "/data/asset_url").asText(null);
            Map<String, Object> outputs = new LinkedHashMap<>();
            outputs.put("previewUrl", first);
            outputs.put("finalUrl", last);
            env.put("outputs", outputs);
        } else {
            Problem p = doc.error() != null ? doc.error()
                    : Problem.of(ErrorCode.CONFLICT, "job " + doc.status().wire());
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("code", p.code());
            err.put("message", p.message());
            err.put("details", p.details());
            env.put("error", err);
        }
        env.put("timing", doc.meta().timing());
        if (doc.status() == JobStatus.SUCCEEDED) {
            env.put("warnings", List.of());
        }
        env.put("notes", doc.meta().notes());
        return env;
    }

    JobDocument document(String jobId) {
        if (!JobId.valid(jobId)) {
            throw ApiException.notFound("job " + jobId);
        }
        return store.find(jobId).orElseThrow(() -> ApiException.notFound("job " + jobId));
    }

    private JsonNode parse(String line) {
        try {
            return line.isBlank() ? null : json.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static JobStatus parseStatus(String s) {
        try {
            return JobStatus.parse(s.trim());
        } catch (RuntimeException e) {
            throw ApiException.invalid("status", "unknown status '" + s + "': use queued, running, succeeded, failed "
                    + "or cancelled");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
