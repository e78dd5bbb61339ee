package dev.toploras.catalog;

import dev.toploras.core.Settings;
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

    /** catalog.*, covers.* and modelscope.cover-hosts, read from the configuration. */
    public static CatalogSettings from(Settings s) {
        List<String> tasks = s.list("catalog.tasks");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("catalog.tasks must name at least one task, e.g. text-to-image-synthesis");
        }
        return new CatalogSettings(
                tasks,
                s.integer("catalog.limit"),
                CatalogSort.parse(s.text("catalog.sort")),
                s.duration("catalog.ttl"),
                s.list("catalog.exclude-names"),
                s.integer("catalog.max-pages"),
                s.bool("catalog.per-task-cache"),
                s.integer("covers.concurrency"),
                s.longValue("covers.max-bytes"),
                new java.util.LinkedHashSet<>(s.list("modelscope.cover-hosts")));
    }
}
