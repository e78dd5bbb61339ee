package dev.toploras.catalog;

import dev.toploras.covers.CoverProgress;
import dev.toploras.history.Snapshot;
import dev.toploras.modelscope.ListingQuery;
import dev.toploras.runs.RunHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The state of one refresh while its route runs: paging position, collected records, cover outcomes, warnings. */
public final class CatalogRun {
    private final String task;
    private final int limit;
    private final CatalogSort sort;
    private final Path cacheFile;
    private final Path imagesDir;
    private final int pageSize;
    private final int maxPages;
    private final long startedNanos = System.nanoTime();
    private final Leaderboard leaderboard = new Leaderboard();
    private final Map<String, String> coverLocal = new ConcurrentHashMap<>();
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger coversDownloaded = new AtomicInteger();
    private final AtomicInteger coversUnchanged = new AtomicInteger();
    private final CoverProgress progress;

    private int pagesFetched;
    private long totalCount = -1;
    private int lastPageCount = -1;
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

    /** Another page is wanted while too few LoRAs are collected and the listing has more. */
    public synchronized boolean isWantsMorePages() {
        if (leaderboard.size() >= limit || pagesFetched >= maxPages || lastPageCount == 0) {
            return false;
        }
        return totalCount < 0 || (long) pagesFetched * pageSize < totalCount;
    }

    synchronized ListingQuery nextQuery() {
        return new ListingQuery(task, sort.upstreamSortBy(), pagesFetched + 1, pageSize);
    }

    synchronized void pageRead(long total, int count) {
        pagesFetched++;
        lastPageCount = count;
        if (total >= 0) {
            totalCount = total;
        }
    }

    Leaderboard leaderboard() {
        return leaderboard;
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
                    cached != null, pagesFetched, coversDownloaded.get(),
                    coversUnchanged.get(), warnings, ms);
        }
    }
}
