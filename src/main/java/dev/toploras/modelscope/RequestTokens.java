package dev.toploras.modelscope;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens sent with one HTTP request for one job (header X-ModelScope-Token). Held in memory only, for that job
 * only, and dropped when its worker lets go of it: never in the job document, an event, a log line or a header
 * of a Camel message. A job resumed after a restart has lost it and uses MODELSCOPE_API_TOKEN, or falls back.
 */
public final class RequestTokens {
    private final Map<String, String> byJob = new ConcurrentHashMap<>();

    public void put(String jobId, String token) {
        if (token != null && !token.isBlank()) {
            byJob.put(jobId, token.trim());
        }
    }

    public Optional<String> get(String jobId) {
        return Optional.ofNullable(byJob.get(jobId));
    }

    public void remove(String jobId) {
        byJob.remove(jobId);
    }
}
