package dev.toploras.catalog;

import dev.toploras.covers.CoverOutcome;
import dev.toploras.covers.CoverProgress;
import dev.toploras.covers.CoverResult;
import dev.toploras.covers.CoverTarget;
import dev.toploras.errors.Problem;
import dev.toploras.runs.RunHandle;
import dev.toploras.runs.RunStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a refresh leaves in its run record (cache/runs/) and on the terminal's covers bar, written at the steps of
 * catalog.camel.yaml and covers.camel.yaml that name it: one item per leaderboard record, each cover's start and
 * outcome, the run's end. The run is found by the id the {@link Refresh} or {@link CoverTarget} carries; the bar of a
 * refresh that shows one lives here from its first record to its last cover.
 */
public final class RefreshTrail {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshTrail.class);
    private final RunStore runs;
    private final Map<String, CoverProgress> bars = new ConcurrentHashMap<>();

    public RefreshTrail(RunStore runs) {
        this.runs = runs;
    }

    /** The top N are known: each becomes an item of the run, and the bar (when shown) counts their covers. */
    public void listed(Refresh refresh, List<LoraRecord> top) {
        run(refresh.runId()).ifPresent(h -> {
            top.forEach(r -> h.item(itemId(r), r.id(), "fetch"));
            h.flush();
        });
        if (refresh.showProgress() && refresh.runId() != null) {
            CoverProgress bar = CoverProgress.to(System.out);
            bars.put(refresh.runId(), bar);
            bar.start(top.size());
        }
    }

    /** Before a record's cover is fetched (on the covers pool): the run's item shows it. */
    public void coverStarted(CoverTarget target) {
        LoraRecord r = target.record();
        run(target.runId()).ifPresent(h -> h.stage(itemId(r), "cover",
                r.coverUrl() == null ? "no cover listed" : "cover " + r.coverUrl()));
    }

    /** After it: a cover that failed becomes a warning of its item, never a failed run. */
    public void coverDone(CoverResult done) {
        CoverOutcome out = done.outcome();
        String item = itemId(done.record());
        if (out.warning() != null) {
            LOG.warn(out.warning());
        }
        run(done.target().runId()).ifPresent(h -> {
            if (out.warning() != null) {
                h.warn(item, out.warning());
            }
            h.stage(item, "done", out.unchanged() ? "cover unchanged" : out.downloaded() ? "cover stored" : null);
        });
        CoverProgress bar = done.target().runId() == null ? null : bars.get(done.target().runId());
        if (bar != null && bar.step()) {
            // the last cover: the line is cleared before the summary is printed
            bar.finish();
            bars.remove(done.target().runId());
        }
    }

    /** The leaderboard is stored: the run ends, completed (with warnings when a cover had one). */
    public void finished(Refresh refresh) {
        closeBar(refresh);
        run(refresh.runId()).ifPresent(h -> h.finish(null));
    }

    /** The refresh failed: its run ends with why, as the caller is told it. */
    public void failed(Refresh refresh, Throwable why) {
        closeBar(refresh);
        run(refresh.runId()).ifPresent(h -> h.finish(Problem.from(CatalogSteps.meaning(why))));
    }

    private void closeBar(Refresh refresh) {
        CoverProgress bar = refresh.runId() == null ? null : bars.remove(refresh.runId());
        if (bar != null) {
            bar.finish();
        }
    }

    private Optional<RunHandle> run(String runId) {
        return runId == null ? Optional.empty() : runs.running(runId);
    }

    static String itemId(LoraRecord r) {
        return SafeName.hashOf(r.id());
    }
}
