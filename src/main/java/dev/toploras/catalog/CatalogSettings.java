package dev.toploras.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The catalog.* and covers.* configuration, read once at start-up. */
public record CatalogSettings(
        List<String> tasks,
        int limit,
        CatalogSort sort,
        Duration ttl,
        List<String> excludeNames,
        int maxPages,
        boolean perTaskCache,
        int coversConcurrency,
        long coversMaxBytes,
        Set<String> coverHosts) {

    public CatalogSettings {
        tasks = List.copyOf(tasks);
        excludeNames = List.copyOf(excludeNames);
        coverHosts = Set.copyOf(coverHosts);
        if (limit < 1) {
            throw new CatalogException("catalog.limit must be at least 1, got " + limit);
        }
        if (coversConcurrency < 1) {
            throw new CatalogException("covers.concurrency must be at least 1, got " + coversConcurrency);
        }
        if (coversMaxBytes < 1024) {
            throw new CatalogException("covers.max-bytes must be at least 1024, got " + coversMaxBytes);
        }
    }
}
