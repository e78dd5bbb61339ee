package dev.toploras.generation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Json;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job as a local backend route receives it (docs/seams.md): a plain Map in the job document's own field
 * names, params with width and height spelled out, so a YAML route reads {@code ${body[params][prompt]}}.
 */
public final class LocalJob {
    private static final ObjectMapper JSON = Json.mapper();

    private LocalJob() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(JobDocument doc) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("job_id", doc.jobId());
        job.put("task", doc.task());
        job.put("model_id", doc.modelId());
        job.put("loras", new LinkedHashMap<>(doc.loras()));
        Map<String, Object> params = JSON.convertValue(doc.params(), LinkedHashMap.class);
        params.put("width", doc.params().width());
        params.put("height", doc.params().height());
        job.put("params", params);
        job.put("backend", doc.backend() == null ? null : doc.backend().wire());
        // input images as the document lists them (index, sha256, mime, width, height, source); bytes in cache/inputs/
        job.put("inputs", JSON.convertValue(doc.inputs(), java.util.List.class));
        return job;
    }

    /** Back from the Map a route may have edited; what the built-in renderers work from. */
    public static JobRequest request(Map<String, Object> job) {
        JobRequest r = JSON.convertValue(job, JobRequest.class);
        JobParams p = r.params();
        if (p == null || p.prompt() == null) {
            throw new LocalBackendException(dev.toploras.errors.ErrorCode.INVALID_REQUEST,
                    "the job handed to the local backend has no params.prompt; a route before it removed it",
                    Map.of("job_id", String.valueOf(job.get("job_id"))));
        }
        return r;
    }
}
