package dev.toploras.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.covers.CoverDownloader;
import dev.toploras.covers.CoverOutcome;
import dev.toploras.covers.CoverProgress;
import dev.toploras.modelscope.ListingClient;
import dev.toploras.modelscope.ListingPage;
import dev.toploras.modelscope.LoraNormalizer;
import dev.toploras.errors.Problem;
import dev.toploras.runs.RunHandle;
import dev.toploras.runs.RunKind;
import dev.toploras.runs.RunStore;
import dev.toploras.runtime.Home;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import dev.toploras.history.History;
import dev.toploras.history.HistorySettings;
import dev.toploras.history.HistoryStore;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work behind each step of routes/catalog.camel.yaml and covers.camel.yaml. The routes say the order; these
 * methods take plain values and the run, so each is testable without Camel.
 */
public final class CatalogSteps {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogSteps.class);
    private final Home home;
    private final CatalogSettings settings;
    private final ListingClient listing;
    private final LoraNormalizer normalizer;
    private final CoverDownloader covers;
    private final CatalogCache cache;
    private final RunStore runs;
    private final ObjectMapper json;
    private final Clock clock;
    private final HistorySettings history;

    public CatalogSteps(Home home, CatalogSettings settings, ListingClient listing, LoraNormalizer normalizer,
                        CoverDownloader covers, CatalogCache cache, RunStore runs, ObjectMapper json, Clock clock,
                        HistorySettings history) {
        this.history = history;
        this.home = home;
        this.settings = settings;
        this.listing = listing;
        this.normalizer = normalizer;
        this.covers = covers;
        this.cache = cache;
        this.runs = runs;
        this.json = json;
        this.clock = clock;
    }

    public CatalogSettings settings() {
        return settings;
    }

    public HistorySettings historySettings() {
        return history;
    }

    /** Snapshots of a task live beside its leaderboard: {@code <cache folder>/history/<safe_task>/}. */
    public static HistoryStore historyOf(Path cacheFile, String task, ObjectMapper json) {
        return new HistoryStore(cacheFile.toAbsolutePath().getParent().resolve("history").resolve(SafeName.task(task)),
                json);
    }

    /** Opens a run; when the cache is fresh (and no refresh is forced) the run is served from it. */
    public CatalogRun begin(CatalogRequest req) {
        try {
            return open(req);
        } catch (RuntimeException e) {
            // a run announced to an HTTP caller must not stay "running" when the refresh could not even start
            if (req.runId() != null) {
                runs.running(req.runId()).ifPresent(h -> h.finish(Problem.from(e)));
            }
            throw e;
        }
    }

    private CatalogRun open(CatalogRequest req) {
        CacheTarget target = CacheTarget.of(req, settings, home);
        String task = target.task();
        int limit = target.limit();
        CatalogSort sort = target.sort();
        CatalogRun run = new CatalogRun(task, limit, sort, target.cacheFile(), target.imagesDir(),
                settings.maxPages(), req.showProgress() ? CoverProgress.to(System.out) : CoverProgress.silent());
        if (!req.forceRefresh()) {
            target.freshAnswer(cache, settings.ttl(), clock.instant()).ifPresent(run::servedFrom);
        }
        if (!run.isServedFromCache()) {
            // A caller that announced the run (POST /api/v1/refresh) has started it already; this refresh takes it over.
            Optional<RunHandle> announced = req.runId() == null ? Optional.empty() : runs.running(req.runId());
            run.attach(announced.orElseGet(() -> runs.start(RunKind.REFRESH,
                    Map.of("task", task, "limit", limit, "sort", sort.wire()), req.runId())));
        }
        return run;
    }

    public byte[] fetchPage(CatalogRun run) {
        return listing.fetchPage(run.nextQuery());
    }

    /** Checks the page's envelope, counts it, and hands its records out one by one. */
    public Iterator<JsonNode> records(byte[] body, CatalogRun run) {
        ListingPage page = ListingPage.read(json, body, "ModelScope listing " + listing.endpoint());
        run.pageRead(page.totalCount(), page.recordCount());
        return page.records();
    }

    public boolean isLora(JsonNode record) {
        return LoraNormalizer.isLora(record);
    }

    public LoraRecord normalize(JsonNode record, CatalogRun run) {
        Optional<LoraRecord> r = normalizer.normalize(record);
        if (r.isEmpty()) {
            run.warn("skipped a listing record without Path/Name");
        }
        return r.orElse(null);
    }

    /** False for records that could not be read and for names the user excluded (catalog.exclude-names). */
    public boolean kept(LoraRecord r) {
        if (r == null) {
            return false;
        }
        for (String needle : settings.excludeNames()) {
            String n = needle.toLowerCase(Locale.ROOT);
            if (contains(r.id(), n) || contains(r.titleEn(), n) || contains(r.titleCn(), n)) {
                return false;
            }
        }
        return true;
    }

    public void collect(LoraRecord r, CatalogRun run) {
        run.leaderboard().add(r);
    }

    public List<LoraRecord> top(CatalogRun run) {
        List<LoraRecord> top = run.leaderboard().top(run.getSort(), run.getLimit());
        run.top(top);
        for (LoraRecord r : top) {
            run.runHandle().item(itemId(r), r.id(), "fetch");
        }
        run.runHandle().flush();
        return top;
    }

    /** Runs on the covers pool; a cover that fails becomes a warning, never a failed run. */
    public void cover(LoraRecord r, CatalogRun run) {
        RunHandle handle = run.runHandle();
        handle.stage(itemId(r), "cover", r.coverUrl() == null ? "no cover listed" : "cover " + r.coverUrl());
        CoverOutcome out = covers.download(r.id(), r.coverUrl(), run.getImagesDir());
        if (out.warning() != null) {
            LOG.warn(out.warning());
            handle.warn(itemId(r), out.warning());
        }
        handle.stage(itemId(r), "done", out.unchanged() ? "cover unchanged" : out.downloaded() ? "cover stored" : null);
        run.coverDone(r.id(), out.file() == null ? null : home.relative(out.file()), out.warning(),
                out.downloaded(), out.unchanged());
    }

    /**
     * Rank, rank change, deltas and download velocity of the top records against the task's history; for the
     * trending order, also their final order. A corrupt snapshot becomes a warning of the run, never a failure.
     */
    public void trends(CatalogRun run) {
        History h = new History(historyOf(run.getCacheFile(), run.getTask(), json), clock);
        List<History.Sample> samples = run.top().stream()
                .map(r -> new History.Sample(r.id(), r.downloads(), r.likes())).toList();
        History.Result result = h.compute(samples, run.getSort().wire(), run.getSort().byVelocity(), history.window());
        result.warnings().forEach(run::warn);
        Map<String, LoraRecord> byId = new HashMap<>();
        run.top().forEach(r -> byId.put(r.id(), r));
        run.ranked(result.trends().stream().map(t -> byId.get(t.id()).withTrend(t)).toList(),
                History.snapshot(result, run.getSort().wire()));
    }

    /** Appends this refresh to history once its leaderboard is stored; a history that cannot be written is a warning. */
    public void remember(CatalogRun run) {
        if (run.snapshot() == null) {
            return;
        }
        try {
            historyOf(run.getCacheFile(), run.getTask(), json).append(run.snapshot(), history);
        } catch (RuntimeException e) {
            String w = "history: could not record this refresh: " + e.getMessage();
            LOG.warn(w);
            run.warn(w);
        }
    }

    /** The cache document as JSON text; the route validates it against the schema before it is stored. */
    public String render(CatalogRun run) throws JsonProcessingException {
        List<LoraRecord> results = run.top().stream().map(r -> r.withCoverLocal(run.coverLocal(r.id()))).toList();
        CacheDocument doc = new CacheDocument(clock.instant().truncatedTo(ChronoUnit.SECONDS), run.getTask(),
                run.getSort().wire(), run.getLimit(), results);
        run.written(doc);
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    }

    public void store(String text, CatalogRun run) {
        cache.write(run.getCacheFile(), text);
        run.runHandle().finish(null);
        LOG.info("wrote {} ({} LoRAs)", home.relative(run.getCacheFile()), run.top().size());
    }

    /** Records why the refresh failed in its run, then lets the failure go on to the caller as it was. */
    public void failed(CatalogRun run, Exception failure) throws Exception {
        if (run.runHandle() != null) {
            run.runHandle().finish(Problem.from(failure));
        }
        throw failure;
    }

    private static String itemId(LoraRecord r) {
        return SafeName.hashOf(r.id());
    }

    public CatalogResult result(CatalogRun run) {
        return run.result();
    }

    /** What the schedule refreshes: every configured task, respecting the TTL. */
    public List<CatalogRequest> scheduledRequests() {
        return settings.tasks().stream().map(CatalogRequest::of).toList();
    }

    private static boolean contains(String haystack, String lowerNeedle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
    }
}
