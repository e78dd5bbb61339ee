package dev.toploras.generation;

import java.util.LinkedHashMap;
import java.util.Map;

/** The generation section of /api/health: the outcomes' counters and how many jobs run now. */
public final class GenerationHealth {
    private final JobOutcomes outcomes;
    private final JobClaims claims;

    GenerationHealth(JobOutcomes outcomes, JobClaims claims) {
        this.outcomes = outcomes;
        this.claims = claims;
    }

    public Map<String, Object> section() {
        Map<String, Object> h = new LinkedHashMap<>(outcomes.health());
        h.put("workers_busy", claims.busy());
        return h;
    }
}
