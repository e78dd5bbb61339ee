package dev.toploras.catalog;

import dev.toploras.core.SafeName;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Home;
import dev.toploras.covers.CoverFetch;
import dev.toploras.covers.CoverOutcome;
import dev.toploras.covers.CoverProgress;
import dev.toploras.errors.Problem;
import dev.toploras.history.History;
import dev.toploras.history.HistorySettings;
import dev.toploras.history.HistoryStore;
import dev.toploras.modelscope.UpstreamErrors;
import dev.toploras.runs.RunHandle;
import dev.toploras.runs.RunKind;
import dev.toploras.runs.RunStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bookkeeping behind routes/catalog.camel.yaml and covers.camel.yaml: opening a refresh (cache freshness, run
 * record), exclusions, the top N, cover outcomes, history, rendering and storing the cache. The listing call, the
 * paging, the split and the filters are the routes' own steps; these methods take plain values, without Camel.
 */
public final class CatalogSteps {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogSteps.class);
    /** Task names go into the listing request's JSON as they are, so they are held to ModelScope's own alphabet. */
    private final Home home;
    private final CatalogSettings settings;
    private final CatalogCache cache;
    private final RunStore runs;
    private final ObjectMapper json;
    private final Clock clock;
    private final HistorySettings history;

    public CatalogSteps(Home home, CatalogSettings settings, CatalogCache cache, RunStore runs, ObjectMapper json,
                        Clock clock, HistorySettings history) {
        this.history = history;
        this.home = home;
        this.settings = settings;
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

    /**
     * Snapshots of a task live beside its leaderboard: {@code <cache folder>/history/<safe_task>/}, or
     * {@code history/<safe_task>.<sort>/} for a leaderboard kept in another order ({@code top_loras_<task>.<sort>.json},
     * see {@link #cacheFileName}), so one history never mixes two orders and every caller finds it from the file.
     */
    public static HistoryStore historyOf(Path cacheFile, String task, ObjectMapper json) {
        String name = cacheFile.getFileName().toString();
        String variant = "";
        for (CatalogSort s : CatalogSort.values()) {
            if (name.endsWith("." + s.wire() + ".json")) {
                variant = "." + s.wire();
            }
        }
        return new HistoryStore(cacheFile.toAbsolutePath().getParent().resolve("history")
                .resolve(SafeName.task(task) + variant), json);
    }

    /**
     * The cache rule: one leaderboard file per task and order. The configured order (catalog.sort, what `serve`, the
     * API and `trends` read) keeps the plain name {@code top_loras_<task>.json}; any other order asked for by
     * `fetch --sort` gets {@code top_loras_<task>.<sort>.json}, so it never replaces what `serve` shows.
     */
    static String cacheFileName(String safeTask, boolean perTask, CatalogSort sort, CatalogSort configured) {
        String variant = sort == configured ? "" : "." + sort.wire();
        return (perTask ? "top_loras_" + safeTask : "top_loras") + variant + ".json";
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

    /**
     * The exclusions filter: false for records that could not be read (no id) and for names the user excluded
     * (catalog.exclude-names), matched in the cache record's {@code id}, {@code title_en} and {@code title_cn}.
     */
    public boolean kept(Map<String, Object> r) {
        if (r == null || !(r.get("id") instanceof String id)) {
            return false;
        }
        for (String needle : settings.excludeNames()) {
            String n = needle.toLowerCase(Locale.ROOT);
            if (contains(id, n) || contains(text(r.get("title_en")), n) || contains(text(r.get("title_cn")), n)) {
                return false;
            }
        }
        return true;
    }

    private static String text(Object o) {
        return o instanceof String s ? s : null;
    }

    /** The top N of what the pages gave, in the refresh's order; each becomes an item of the run. */
    public List<LoraRecord> top(CatalogRun run, Leaderboard leaderboard) {
        List<LoraRecord> top = leaderboard.top(run.getSort(), run.getLimit());
        run.top(top);
        for (LoraRecord r : top) {
            run.runHandle().item(itemId(r), r.id(), "fetch");
        }
        run.runHandle().flush();
        return top;
    }

    /** Before a record's cover is fetched (on the covers pool): the run's item shows it. */
    public void coverStarted(@Variable("record") LoraRecord r, @Variable("run") CatalogRun run) {
        run.runHandle().stage(itemId(r), "cover", r.coverUrl() == null ? "no cover listed" : "cover " + r.coverUrl());
    }

    /** After it: a cover that failed becomes a warning, never a failed run. */
    public void coverDone(@Variable("record") LoraRecord r, @Variable("cover") CoverFetch fetch,
                          @Variable("run") CatalogRun run) {
        RunHandle handle = run.runHandle();
        CoverOutcome out = fetch.getOutcome();
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
        // After a Ctrl-C the new cache is never written (the previous one stays); once written, the fetch finishes.
        dev.toploras.core.Interruption.PROCESS.commit(() -> cache.write(run.getCacheFile(), text));
        run.runHandle().finish(null);
        LOG.info("wrote {} ({} LoRAs)", home.relative(run.getCacheFile()), run.top().size());
    }

    /**
     * Records why the refresh failed in its run, then lets the failure go on to the caller, a failed ModelScope call
     * turned into its meaning (UpstreamErrors: unavailable, rate limited, rejected, ...).
     */
    public void failed(CatalogRun run, Exception failure) throws Throwable {
        Throwable meaning = UpstreamErrors.translate(failure, "ModelScope listing");
        if (run.runHandle() != null) {
            run.runHandle().finish(Problem.from(meaning));
        }
        throw meaning;
    }

    private static String itemId(LoraRecord r) {
        return SafeName.hashOf(r.id());
    }

    public CatalogResult result(CatalogRun run) {
        return run.result();
    }

    /**
     * What the schedule refreshes: every configured task, respecting the TTL. A task whose refresh is running (a
     * POST /refresh while serve came up, `fetch` in another process) is left to it with one line; the task's lock in
     * RunStore is what keeps two refreshes apart, this only spares the log a refusal.
     */
    public List<CatalogRequest> scheduledRequests() {
        List<dev.toploras.runs.RunDocument> refreshing = runs.list().stream()
                .filter(r -> "running".equals(r.state()) && RunKind.REFRESH.wire().equals(r.kind())).toList();
        return settings.tasks().stream().filter(t -> {
            Optional<dev.toploras.runs.RunDocument> busy = refreshing.stream()
                    .filter(r -> t.equals(r.params().get("task"))).findFirst();
            busy.ifPresent(r -> LOG.info("refresh of {} left to run {}, which is refreshing it now", t, r.runId()));
            return busy.isEmpty();
        }).map(CatalogRequest::of).toList();
    }

    private static boolean contains(String haystack, String lowerNeedle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
    }
}
