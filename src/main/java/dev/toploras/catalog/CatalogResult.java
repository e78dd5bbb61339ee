package dev.toploras.catalog;

import java.nio.file.Path;
import java.util.List;

/** What one refresh did: where the leaderboard is, whether it came from the cache, and what went wrong on the way. */
public record CatalogResult(
        String task,
        String runId,
        Path cacheFile,
        CacheDocument document,
        boolean fromCache,
        int pagesFetched,
        int coversDownloaded,
        int coversUnchanged,
        List<String> warnings,
        long elapsedMs) {

    public CatalogResult {
        warnings = List.copyOf(warnings);
    }
}
