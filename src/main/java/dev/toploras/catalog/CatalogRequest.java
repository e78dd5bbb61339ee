package dev.toploras.catalog;

import java.nio.file.Path;

/**
 * One refresh as asked for by the CLI, the schedule or (later) HTTP. Null fields take the configured default;
 * {@code cacheFile} and {@code imagesDir} override where the leaderboard and its covers go; {@code runId}, when
 * given, is the id the refresh run will have (so an HTTP caller can be told it before the run starts).
 */
public record CatalogRequest(
        String task,
        Integer limit,
        CatalogSort sort,
        boolean forceRefresh,
        Boolean perTaskCache,
        Path cacheFile,
        Path imagesDir,
        boolean showProgress,
        String runId) {

    public static CatalogRequest of(String task) {
        return new CatalogRequest(task, null, null, false, null, null, null, false, null);
    }

    public CatalogRequest forced() {
        return new CatalogRequest(task, limit, sort, true, perTaskCache, cacheFile, imagesDir, showProgress, runId);
    }

    public CatalogRequest withLimit(int n) {
        return new CatalogRequest(task, n, sort, forceRefresh, perTaskCache, cacheFile, imagesDir, showProgress, runId);
    }

    public CatalogRequest withRunId(String id) {
        return new CatalogRequest(task, limit, sort, forceRefresh, perTaskCache, cacheFile, imagesDir, showProgress, id);
    }

    public CatalogRequest withTask(String t) {
        return new CatalogRequest(t, limit, sort, forceRefresh, perTaskCache, cacheFile, imagesDir, showProgress, runId);
    }
}
