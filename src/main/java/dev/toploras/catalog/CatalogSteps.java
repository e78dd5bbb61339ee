package dev.toploras.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Home;
import dev.toploras.core.SafeName;
import dev.toploras.covers.CoverOutcome;
import dev.toploras.covers.CoverResult;
import dev.toploras.covers.CoverTarget;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of routes/catalog.camel.yaml, each a function of plain values: a request becomes a {@link Refresh}
 * (cache freshness, run record), pages a {@link Leaderboard}, its top N cover targets, the covered records a ranked
 * {@link Refreshed} leaderboard, then its document, its stored text and its history snapshot, and at the end a
 * {@link CatalogResult}. The listing call, the paging, the split and the filters are the routes' own steps; the run
 * record is written by {@link RefreshTrail} at the steps that name it.
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
     * A request becomes a {@link Refresh}: the leaderboard it is about and, when the cache is fresh (and no refresh
     * is forced), the stored one that answers it; otherwise the run that records it is opened (or, announced by
     * POST /api/v1/refresh, taken over), holding the task's lock until it ends.
     */
    public Refresh begin(CatalogRequest req) {
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

    private Refresh open(CatalogRequest req) {
        CacheTarget target = CacheTarget.of(req, settings, home);
        Refresh refresh = Refresh.of(target, settings.maxPages(), req.showProgress());
        if (!req.forceRefresh()) {
            Optional<CacheDocument> fresh = target.freshAnswer(cache, settings.ttl(), clock.instant());
            if (fresh.isPresent()) {
                return refresh.servedFrom(fresh.get());
            }
        }
        Optional<RunHandle> announced = req.runId() == null ? Optional.empty() : runs.running(req.runId());
        RunHandle handle = announced.orElseGet(() -> runs.start(RunKind.REFRESH,
                Map.of("task", target.task(), "limit", target.limit(), "sort", target.sort().wire()), req.runId()));
        return refresh.recordedBy(handle.runId());
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

    /** The top N of what the pages gave, in the refresh's order. */
    public List<LoraRecord> top(Refresh refresh, Leaderboard leaderboard) {
        return leaderboard.top(refresh.sort(), refresh.limit());
    }

    /** Each of the top N as a cover to fetch: where it goes and which run shows it. */
    public List<CoverTarget> coverTargets(Refresh refresh, List<LoraRecord> top) {
        List<CoverTarget> targets = new ArrayList<>(top.size());
        for (LoraRecord r : top) {
            targets.add(new CoverTarget(r, targets.size(), refresh.imagesDir(), refresh.runId()));
        }
        return targets;
    }

    /**
     * The covered records ranked against the task's history (rank, rank change, deltas, download velocity; for the
     * trending order, also their final order), each with its stored cover. A corrupt snapshot becomes a warning,
     * never a failure; so does a cover that could not be stored. A covers flow of the user's that fetched nothing
     * leaves the targets themselves: their records go on without a cover.
     */
    public Refreshed trends(Refresh refresh, List<?> covered) {
        // in the top N's order, whatever order the covers came back in
        List<CoverResult> inOrder = covered.stream()
                .map(c -> c instanceof CoverTarget t ? new CoverResult(t, CoverOutcome.none()) : (CoverResult) c)
                .sorted(Comparator.comparingInt(c -> c.target().position())).toList();
        List<String> warnings = new ArrayList<>();
        int downloaded = 0;
        int unchanged = 0;
        Map<String, LoraRecord> byId = new HashMap<>();
        List<History.Sample> samples = new ArrayList<>(inOrder.size());
        for (CoverResult c : inOrder) {
            CoverOutcome out = c.outcome();
            LoraRecord r = c.record().withCoverLocal(out.file() == null ? null : home.relative(out.file()));
            byId.put(r.id(), r);
            samples.add(new History.Sample(r.id(), r.downloads(), r.likes()));
            if (out.warning() != null) {
                warnings.add(out.warning());
            }
            downloaded += out.downloaded() ? 1 : 0;
            unchanged += out.unchanged() ? 1 : 0;
        }
        History h = new History(CacheFiles.history(refresh.cacheFile(), refresh.task(), json), clock);
        CatalogSort sort = refresh.sort();
        History.Result result = h.compute(samples, sort.wire(), sort.byVelocity(), history.window());
        warnings.addAll(result.warnings());
        List<LoraRecord> ranked = result.trends().stream().map(t -> byId.get(t.id()).withTrend(t)).toList();
        return new Refreshed(ranked, History.snapshot(result, sort.wire()), null, warnings, downloaded, unchanged);
    }

    /** The cache document of the new leaderboard, taken now. */
    public Refreshed render(Refresh refresh, Refreshed ranked) {
        return ranked.rendered(new CacheDocument(clock.instant().truncatedTo(ChronoUnit.SECONDS), refresh.task(),
                refresh.sort().wire(), refresh.limit(), ranked.records()));
    }

    /** The cache document as JSON text; the route validates it against the schema before it is stored. */
    public String text(Refreshed rendered) throws JsonProcessingException {
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(rendered.document());
    }

    /** Writes the validated text of the rendered leaderboard over the refresh's cache file (atomically). */
    public void store(Refresh refresh, Refreshed rendered, String text) {
        // After a Ctrl-C the new cache is never written (the previous one stays); once written, the fetch finishes.
        dev.toploras.core.Interruption.PROCESS.commit(() -> cache.write(refresh.cacheFile(), text));
        LOG.info("wrote {} ({} LoRAs)", home.relative(refresh.cacheFile()), rendered.records().size());
    }

    /**
     * Appends this refresh to history once its leaderboard is stored; a history that cannot be written becomes a
     * warning of the refresh.
     */
    public Refreshed remember(Refresh refresh, Refreshed stored) {
        if (stored.snapshot() == null) {
            return stored;
        }
        try {
            CacheFiles.history(refresh.cacheFile(), refresh.task(), json).append(stored.snapshot(), history);
            return stored;
        } catch (RuntimeException e) {
            String w = "history: could not record this refresh: " + e.getMessage();
            LOG.warn(w);
            return stored.warned(w);
        }
    }

    /** A failed refresh's cause as the caller is told it (UpstreamErrors: unavailable, rate limited, rejected, ...). */
    static Throwable meaning(Throwable failure) {
        return UpstreamErrors.translate(failure, "ModelScope listing");
    }

    /** Lets the failure go on to the caller with its meaning. */
    public void failed(Exception failure) throws Throwable {
        throw meaning(failure);
    }

    /** What a refresh the cache answered did. */
    public CatalogResult cached(Refresh refresh) {
        return new CatalogResult(refresh.task(), null, refresh.cacheFile(), refresh.cached(), true, 0, 0, 0,
                List.of(), refresh.elapsedMs());
    }

    /** What a refresh that fetched did: its pages, its stored leaderboard, its covers and warnings. */
    public CatalogResult result(Refresh refresh, Refreshed done, int pagesFetched) {
        return new CatalogResult(refresh.task(), refresh.runId(), refresh.cacheFile(), done.document(), false,
                pagesFetched, done.coversDownloaded(), done.coversUnchanged(), done.warnings(), refresh.elapsedMs());
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
