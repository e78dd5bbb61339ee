package dev.toploras.catalog;

import dev.toploras.modelscope.ListingQuery;
import java.nio.file.Path;

/**
 * One refresh as decided when it begins: which leaderboard (task, size, order, files), how the listing is paged, the
 * run that records it, or the fresh cache that answers it with no request made. The catalog routes keep it in the
 * variable {@code refresh} and hand it to the steps that need it; nothing changes it.
 *
 * @param runId   the refresh run recording this fetch; null when the cache answered
 * @param cached  the stored leaderboard that answered the request; null when the refresh fetches
 * @param startedNanos when it began ({@link System#nanoTime()}), for the result's elapsed time
 */
public record Refresh(
        String task,
        int limit,
        CatalogSort sort,
        Path cacheFile,
        Path imagesDir,
        int pageSize,
        int maxPages,
        boolean showProgress,
        String runId,
        CacheDocument cached,
        long startedNanos) {

    static Refresh of(CacheTarget target, int maxPages, boolean showProgress) {
        // A constant page size (the server numbers pages by it); big pages when many records are wanted.
        int pageSize = Math.min(ListingQuery.MAX_PAGE_SIZE, Math.max(target.limit(), 10));
        return new Refresh(target.task(), target.limit(), target.sort(), target.cacheFile(), target.imagesDir(),
                pageSize, maxPages, showProgress, null, null, System.nanoTime());
    }

    Refresh servedFrom(CacheDocument doc) {
        return new Refresh(task, limit, sort, cacheFile, imagesDir, pageSize, maxPages, showProgress, null, doc,
                startedNanos);
    }

    Refresh recordedBy(String id) {
        return new Refresh(task, limit, sort, cacheFile, imagesDir, pageSize, maxPages, showProgress, id, null,
                startedNanos);
    }

    public boolean servedFromCache() {
        return cached != null;
    }

    /** ModelScope's name for the sort ({@code SortBy} of the listing request). */
    public String sortBy() {
        return sort.upstreamSortBy();
    }

    long elapsedMs() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
