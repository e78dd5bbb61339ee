package dev.toploras.catalog;

import dev.toploras.covers.CoverProgress;
import dev.toploras.history.Snapshot;
import dev.toploras.modelscope.ListingQuery;
import java.util.concurrent.atomic.AtomicInteger;
import dev.toploras.runs.RunHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bookkeeping of one refresh while its routes run: what was asked (task, limit, sort, files), the run record,
 * cover outcomes and warnings. The paging state and the collected records are the route's own variables
 * ({@code pageNumber}, {@code lastPage}, {@code leaderboard}); only the listing-call count lives here, where
 * {@link ListingBound} can find it whatever the YAML does.
 */
public final class CatalogRun {
    private final String task;
    private final int limit;
    private final CatalogSort sort;
    private final Path cacheFile;
    private final Path imagesDir;
    private final int pageSize;
    private final int maxPages;
    private final long startedNanos = System.nanoTime();
    private final AtomicInteger listingCalls = new AtomicInteger();
    private final Map<String, String> coverLocal = new ConcurrentHashMap<>();
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger coversDownloaded = new AtomicInteger();
    private final AtomicInteger coversUnchanged = new AtomicInteger();
    private final CoverProgress progress;

    private CacheDocument cached;
    private List<LoraRecord> top = List.of();
    private CacheDocument written;
    private RunHandle runHandle;
    private Snapshot snapshot;

    CatalogRun(String task, int limit, CatalogSort sort, Path cacheFile, Path imagesDir, int maxPages,
               CoverProgress progress) {
        this.task = task;
        this.limit = limit;
        this.sort = sort;
        this.cacheFile = cacheFile;
        this.imagesDir = imagesDir;
        // A constant page size (the server numbers pages by it); big pages when many records are wanted.
        this.pageSize = Math.min(ListingQuery.MAX_PAGE_SIZE, Math.max(limit, 10));
        this.maxPages = maxPages;
        this.progress = progress;
    }

    public String getTask() {
        return task;
    }

    public int getLimit() {
        return limit;
    }

    public CatalogSort getSort() {
        return sort;
    }

    public Path getCacheFile() {
        return cacheFile;
    }

    public Path getImagesDir() {
        return imagesDir;
    }

    /** The refresh run recording this fetch; null when the cache served the request. */
    RunHandle runHandle() {
        return runHandle;
    }

    void attach(RunHandle handle) {
        this.runHandle = handle;
    }

    public boolean isServedFromCache() {
        return cached != null;
    }

    void servedFrom(CacheDocument doc) {
        this.cached = doc;
    }

    CacheDocument cached() {
        return cached;
    }

    /** Records per listing page: constant for a refresh (the server numbers pages by it), big when many are wanted. */
    public int getPageSize() {
        return pageSize;
    }

    public int getMaxPages() {
        return maxPages;
    }

    /** ModelScope's name for the sort ({@code SortBy} of the listing request). */
    public String getSortBy() {
        return sort.upstreamSortBy();
    }

    /** Listing pages answered in this refresh; {@link ListingBound} counts them. */
    AtomicInteger listingCalls() {
        return listingCalls;
    }

    void top(List<LoraRecord> records) {
        this.top = List.copyOf(records);
        progress.start(records.size());
    }

    List<LoraRecord> top() {
        return top;
    }

    /** The top records with their history fields, in their final order (trending re-orders them). */
    void ranked(List<LoraRecord> records, Snapshot snapshot) {
        this.top = List.copyOf(records);
        this.snapshot = snapshot;
    }

    /** What history will keep of this refresh; null until the trends step ran. */
    Snapshot snapshot() {
        return snapshot;
    }

    void coverDone(String id, String localPath, String warning, boolean downloaded, boolean unchanged) {
        if (localPath != null) {
            coverLocal.put(id, localPath);
        }
        if (warning != null) {
            warnings.add(warning);
        }
        if (downloaded) {
            coversDownloaded.incrementAndGet();
        }
        if (unchanged) {
            coversUnchanged.incrementAndGet();
        }
        progress.step();
    }

    String coverLocal(String id) {
        return coverLocal.get(id);
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    void written(CacheDocument doc) {
        this.written = doc;
        progress.finish();
    }

    CatalogResult result() {
        long ms = (System.nanoTime() - startedNanos) / 1_000_000;
        CacheDocument doc = cached != null ? cached : written;
        synchronized (warnings) {
            return new CatalogResult(task, runHandle == null ? null : runHandle.runId(), cacheFile, doc,
                    cached != null, listingCalls.get(), coversDownloaded.get(),
                    coversUnchanged.get(), warnings, ms);
        }
    }
}
