package dev.toploras.jobs;

import java.util.Map;

/** One accepted job request: validated by schema and by {@link JobRequestReader}, so every field is usable as is. */
public record JobRequest(String jobId, String task, String modelId, Map<String, Double> loras, JobParams params,
                         Backend backend, String idempotencyKey) {
    public JobRequest {
        loras = loras == null ? Map.of() : Map.copyOf(loras);
    }
}
