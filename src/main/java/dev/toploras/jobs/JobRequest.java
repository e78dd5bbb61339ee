package dev.toploras.jobs;

import java.util.List;
import java.util.Map;

/**
 * One accepted job request: validated by schema and by {@link JobRequestReader}, so every field is usable as is.
 * {@code images} are the refs the request named (URL, {@code upload:<id>}, inbox file name); {@code inputs} are those
 * images once checked and stored (empty until the intake has resolved them).
 */
public record JobRequest(String jobId, String task, String modelId, Map<String, Double> loras, JobParams params,
                         Backend backend, String idempotencyKey, List<String> images, List<InputImage> inputs,
                         boolean allowBaseMismatch) {
    public JobRequest {
        loras = loras == null ? Map.of() : Map.copyOf(loras);
        images = images == null ? List.of() : List.copyOf(images);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    public JobRequest(String jobId, String task, String modelId, Map<String, Double> loras, JobParams params,
                      Backend backend, String idempotencyKey) {
        this(jobId, task, modelId, loras, params, backend, idempotencyKey, List.of(), List.of(), false);
    }

    public JobRequest withInputs(List<InputImage> resolved) {
        return new JobRequest(jobId, task, modelId, loras, params, backend, idempotencyKey, images, resolved,
                allowBaseMismatch);
    }
}
