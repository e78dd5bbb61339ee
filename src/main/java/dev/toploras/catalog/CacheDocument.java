package dev.toploras.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/** The cache file: {@code {"_cached_at", "task", "sort", "limit", "results": [...]}}. */
@JsonPropertyOrder({"_cached_at", "task", "sort", "limit", "results"})
public record CacheDocument(
        @JsonProperty("_cached_at") Instant cachedAt,
        String task,
        String sort,
        int limit,
        List<LoraRecord> results) {

    public CacheDocument {
        results = results == null ? List.of() : List.copyOf(results);
    }
}
