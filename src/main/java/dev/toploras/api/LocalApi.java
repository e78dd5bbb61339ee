package dev.toploras.api;

import dev.toploras.local.SamplerNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /api/v1/local/samplers and /api/v1/local/loras: what the configured local backend itself offers, read live by
 * the backend's own route (local-comfyui-names, local-a1111-installed, ...), for the Generate form and scripts. A
 * backend without such lists (openai, preview) answers empty lists, so the form keeps its own choices.
 */
public final class LocalApi {
    private final String backend;

    public LocalApi(String backend) {
        this.backend = backend;
    }

    /** {backend, samplers, schedulers}; body: the backend route's Map, or null when the backend has no lists. */
    public ApiReply samplers(Map<String, Object> names) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", backend);
        m.put("samplers", names == null ? List.of() : names.getOrDefault("samplers", List.of()));
        m.put("schedulers", names == null ? List.of() : names.getOrDefault("schedulers", List.of()));
        m.put("vocabulary", SamplerNames.A1111_SAMPLERS.keySet());
        return ApiReply.ok(m);
    }

    /** {backend, loras: [{name, job_key, ...}]}: job_key is what a job's loras names it by ("local:<name>"). */
    public ApiReply loras(List<Map<String, Object>> installed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", backend);
        m.put("loras", installed == null ? List.of() : installed);
        return ApiReply.ok(m);
    }
}
