package dev.toploras.catalog;

import java.nio.file.Path;

/**
 * One refresh as asked for by the CLI, the schedule or (later) HTTP. Null fields take the configured default;
 * {@code cacheFile} and {@code imagesDir} override where the leaderboard and its covers go.
 */
public record CatalogRequest(
        String task,
        Integer limit,
        CatalogSort sort,
        boolean forceRefresh,
        Boolean perTaskCache,
        Path cacheFile,
        Path imagesDir,
        boolean showProgress) {

    public static CatalogRequest of(String task) {
        return new CatalogRequest(task, null, null, false, null, null, null, false);
    }

    public CatalogRequest forced() {
        return new CatalogRequest(task, limit, sort, true, perTaskCache, cacheFile, imagesDir, showProgress);
    }

    public CatalogRequest withLimit(int n) {
        return new CatalogRequest(task, n, sort, forceRefresh, perTaskCache, cacheFile, imagesDir, showProgress);
    }

    public CatalogRequest withTask(String t) {
        return new CatalogRequest(t, limit, sort, forceRefresh, perTaskCache, cacheFile, imagesDir, showProgress);
    }
}
