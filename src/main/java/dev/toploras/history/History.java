package dev.toploras.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Rank changes, deltas and download velocity of a leaderboard against the stored snapshots of its task. Reads only
 * the newest snapshot (for the deltas), the index (for first_seen_at) and the few snapshots inside the window that
 * hold each record's baseline (see {@link #baselines}): not the whole history. docs/benchmarks.md ("Leaderboard history") measures it.
 */
public final class History {
    private static final double MS_PER_DAY = 86_400_000.0;
    /** A shorter span would turn a few minutes' downloads into a wild per-day figure: velocity stays unknown. */
    static final Duration MIN_SPAN = Duration.ofHours(1);
    private final HistoryStore store;
    private final Clock clock;

    public History(HistoryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A record of the current refresh, in the leaderboard's order. */
    public record Sample(String id, long downloads, long likes) {
    }

    /** The trends in final order (ranks 1..n) and what was skipped on the way. */
    public record Result(Instant at, List<Trend> trends, List<String> warnings) {
        public Map<String, Trend> byId() {
            Map<String, Trend> m = new HashMap<>();
            trends.forEach(t -> m.put(t.id(), t));
            return m;
        }
    }

    /** The current refresh, taken now, against every snapshot stored before it. */
    public Result compute(List<Sample> current, String sort, boolean byVelocity, Duration window) {
        return compute(current, sort, byVelocity, window, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    /**
     * As {@link #compute(List, String, boolean, Duration)} for a leaderboard taken at {@code now}: only snapshots
     * older than {@code now} count. With {@code byVelocity} the records are re-ordered by downloads_per_day (unknown
     * last, then downloads, then id) before they are ranked.
     */
    public Result compute(List<Sample> current, String sort, boolean byVelocity, Duration window, Instant now) {
        Set<String> warnings = new LinkedHashSet<>();
        Consumer<String> warn = warnings::add;
        List<HistoryStore.Stored> all = store.list();
        List<HistoryStore.Stored> before = all.stream().filter(s -> s.at().isBefore(now)).toList();
        Reader reader = new Reader(store, warn);
        Snapshot prev = null;
        for (int i = before.size() - 1; i >= 0 && prev == null; i--) {
            prev = reader.read(before.get(i)).orElse(null);
        }
        HistoryIndex index = before.isEmpty() ? new HistoryIndex(null, null, Map.of()) : store.index(all, warn);
        Instant windowStart = now.minus(window);
        Map<String, Baseline> baselines = baselines(current, before, index, windowStart, reader);

        Map<String, Double> velocity = new HashMap<>();
        for (Sample s : current) {
            Baseline b = baselines.get(s.id());
            long ms = b == null ? 0 : Duration.between(b.at(), now).toMillis();
            if (b != null && ms >= MIN_SPAN.toMillis()) {
                velocity.put(s.id(), Math.round((s.downloads() - b.downloads()) / (ms / MS_PER_DAY) * 100) / 100.0);
            }
        }
        List<Sample> ordered = new ArrayList<>(current);
        if (byVelocity) {
            ordered.sort(Comparator.<Sample, Double>comparing(s -> velocity.get(s.id()),
                            Comparator.nullsLast(Comparator.reverseOrder()))
                    .thenComparing(Sample::downloads, Comparator.reverseOrder())
                    .thenComparing(Sample::id));
        }
        Map<String, Snapshot.Entry> prevById = prev == null ? Map.of() : prev.byId();
        boolean prevSameOrder = prev != null && sort.equals(prev.sort());
        Instant since = index.since();
        List<Trend> trends = new ArrayList<>(ordered.size());
        for (int i = 0; i < ordered.size(); i++) {
            Sample s = ordered.get(i);
            int rank = i + 1;
            Snapshot.Entry p = prevById.get(s.id());
            HistoryIndex.Seen seen = index.ids().get(s.id());
            Instant first = seen == null || seen.first().isAfter(now) ? now : seen.first();
            // New: first seen inside the window, after history began (what was there from the start is not new).
            boolean isNew = since != null && first.isAfter(since) && !first.isBefore(windowStart);
            Baseline b = baselines.get(s.id());
            trends.add(new Trend(s.id(), rank, s.downloads(), s.likes(),
                    p != null && prevSameOrder ? p.rank() - rank : null,
                    p == null ? null : s.downloads() - p.downloads(),
                    p == null ? null : s.likes() - p.likes(),
                    velocity.get(s.id()), first, isNew,
                    b != null && sort.equals(b.sort()) ? b.rank() - rank : null));
        }
        return new Result(now, List.copyOf(trends), List.copyOf(warnings));
    }

    private record Baseline(Instant at, String sort, int rank, long downloads) {
    }

    /**
     * Per record, its entry in the oldest readable snapshot inside the window that holds it. Most are found in two
     * looks: the oldest snapshot of the window (records there all along) and, for records first seen inside the
     * window, the snapshot named by their first_seen time in the index. Only records that left and came back inside
     * the window need a scan, oldest first, which stops as soon as all are found.
     */
    private Map<String, Baseline> baselines(List<Sample> current, List<HistoryStore.Stored> before,
                                            HistoryIndex index, Instant windowStart, Reader reader) {
        Set<String> wanted = new HashSet<>();
        Map<Instant, List<String>> byFirstSeen = new HashMap<>();
        for (Sample s : current) {
            HistoryIndex.Seen seen = index.ids().get(s.id());
            if (seen != null && !seen.last().isBefore(windowStart)) {
                wanted.add(s.id());
                if (!seen.first().isBefore(windowStart)) {
                    byFirstSeen.computeIfAbsent(seen.first(), k -> new ArrayList<>()).add(s.id());
                }
            }
        }
        List<HistoryStore.Stored> inWindow = before.stream().filter(st -> !st.at().isBefore(windowStart)).toList();
        Map<String, Baseline> out = new HashMap<>();
        if (!inWindow.isEmpty()) {
            reader.read(inWindow.get(0)).ifPresent(snap -> take(snap, wanted, wanted, out));
        }
        Map<Instant, HistoryStore.Stored> byAt = new HashMap<>();
        inWindow.forEach(st -> byAt.put(st.at(), st));
        // Only the records first seen at that time: a later snapshot would be a wrong baseline for the others.
        byFirstSeen.forEach((at, ids) -> {
            HistoryStore.Stored st = byAt.get(at);
            if (st != null && ids.stream().anyMatch(wanted::contains)) {
                reader.read(st).ifPresent(snap -> take(snap, new HashSet<>(ids), wanted, out));
            }
        });
        for (HistoryStore.Stored st : inWindow) {
            if (wanted.isEmpty()) {
                break;
            }
            reader.read(st).ifPresent(snap -> take(snap, wanted, wanted, out));
        }
        return out;
    }

    /** Baselines from {@code snap} for the records in {@code these} that are still {@code wanted}. */
    private static void take(Snapshot snap, Set<String> these, Set<String> wanted, Map<String, Baseline> out) {
        for (Snapshot.Entry e : snap.records()) {
            if (these.contains(e.id()) && wanted.remove(e.id())) {
                out.put(e.id(), new Baseline(snap.at(), snap.sort(), e.rank(), e.downloads()));
            }
        }
    }

    /** Reads each snapshot once per computation (a corrupt one warns once). */
    private static final class Reader {
        private final HistoryStore store;
        private final Consumer<String> warn;
        private final Map<java.nio.file.Path, Optional<Snapshot>> read = new HashMap<>();

        Reader(HistoryStore store, Consumer<String> warn) {
            this.store = store;
            this.warn = warn;
        }

        Optional<Snapshot> read(HistoryStore.Stored st) {
            return read.computeIfAbsent(st.file(), f -> store.read(st, warn));
        }
    }

    /** The snapshot of the current refresh, to be appended once its leaderboard is stored. */
    public static Snapshot snapshot(Result r, String sort) {
        return new Snapshot(r.at(), sort, r.trends().stream()
                .map(t -> new Snapshot.Entry(t.id(), t.rank(), t.downloads(), t.likes())).toList());
    }
}
