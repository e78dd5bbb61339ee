package dev.toploras.bench;

import dev.toploras.core.Json;
import dev.toploras.history.History;
import dev.toploras.history.HistorySettings;
import dev.toploras.history.HistoryStore;
import dev.toploras.history.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The history benchmark of issue 6 (not a test: nothing here asserts a timing). For each spacing it stores 1000
 * snapshots of 100 records (a leaderboard that churns: about 2 records in 100 swapped per refresh, downloads growing
 * at their own rates), then measures what history adds to one refresh: the trends step ({@link History#compute},
 * before render) and the append after store (snapshot, index, retention), median and worst of the runs plus the
 * first (cold) one. For contrast it times a naive read of every snapshot, and the series one model's history
 * endpoint reads. It reports the history's size on disk.
 *
 * <p>Run: {@code mvn -B -q -DskipTests package exec:java -Dexec.mainClass=dev.toploras.bench.HistoryBenchmark}
 * (see docs/benchmarks.md ("Leaderboard history")). Knobs: {@code bench.snapshots} (1000), {@code bench.records} (100),
 * {@code bench.runs} (30).
 */
public final class HistoryBenchmark {
    static final Duration WINDOW = Duration.ofDays(7);

    private HistoryBenchmark() {
    }

    record Spacing(String name, Duration every) {
    }

    public static void main(String[] args) throws Exception {
        int snapshots = Integer.getInteger("bench.snapshots", 1000);
        int records = Integer.getInteger("bench.records", 100);
        int runs = Integer.getInteger("bench.runs", 30);
        System.out.printf(Locale.ROOT, "History benchmark: %d snapshots of %d records, window %s, %d runs; %s, %d cores%n",
                snapshots, records, WINDOW, runs, System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        for (Spacing s : List.of(new Spacing("every 6 h (the default schedule; 250 days, 28 inside the window)",
                        Duration.ofHours(6)),
                new Spacing("every 10 min (all 1000 inside the 7-day window: worst case)", Duration.ofMinutes(10)))) {
            run(s, snapshots, records, runs);
        }
    }

    static void run(Spacing spacing, int snapshots, int records, int runs) throws Exception {
        Path dir = Files.createTempDirectory("history-bench");
        try {
            HistoryStore store = new HistoryStore(dir.resolve("history/text-to-image-synthesis"), Json.mapper());
            // Retention wide enough to keep all of them: the benchmark is about 1000 stored snapshots.
            HistorySettings keep = new HistorySettings(snapshots, spacing.every().multipliedBy(snapshots + 10L), WINDOW);
            Board board = new Board(records, new Random(42));
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            long fillStart = System.nanoTime();
            for (int i = 0; i < snapshots; i++) {
                List<History.Sample> now = board.next();
                History.Result r = new History(store, Clock.fixed(t, ZoneOffset.UTC)).compute(now, "downloads", false,
                        WINDOW, t);
                store.append(History.snapshot(r, "downloads"), keep);
                t = t.plus(spacing.every());
            }
            double fillS = (System.nanoTime() - fillStart) / 1e9;

            long[] compute = new long[runs];
            long[] append = new long[runs];
            long[] opened = new long[runs];
            for (int i = 0; i < runs; i++) {
                List<History.Sample> now = board.next();
                long readBefore = store.snapshotsRead();
                long a = System.nanoTime();
                History.Result r = new History(store, Clock.fixed(t, ZoneOffset.UTC)).compute(now, "downloads", false,
                        WINDOW, t);
                long b = System.nanoTime();
                opened[i] = store.snapshotsRead() - readBefore;
                store.append(History.snapshot(r, "downloads"), keep);
                long c = System.nanoTime();
                compute[i] = b - a;
                append[i] = c - b;
                t = t.plus(spacing.every());
            }
            long[] naive = new long[Math.min(runs, 5)];
            for (int i = 0; i < naive.length; i++) {
                long a = System.nanoTime();
                int n = 0;
                for (HistoryStore.Stored s : store.list()) {
                    n += store.read(s, w -> { }).map(x -> x.records().size()).orElse(0);
                }
                naive[i] = System.nanoTime() - a;
                if (n == 0) {
                    throw new IllegalStateException("no records read");
                }
            }
            long[] series = new long[Math.min(runs, 5)];
            String id = board.ids.get(0);
            for (int i = 0; i < series.length; i++) {
                long a = System.nanoTime();
                store.series(id);
                series[i] = System.nanoTime() - a;
            }
            List<HistoryStore.Stored> files = store.list();
            long bytes = store.sizeOnDisk();
            long lastSnapshot = Files.size(files.get(files.size() - 1).file());
            long index = Files.size(store.dir().resolve("index.json"));

            System.out.printf(Locale.ROOT, "%nSnapshots %s%n", spacing.name());
            System.out.printf(Locale.ROOT, "  filling %d snapshots (compute + append each): %.1f s%n", snapshots, fillS);
            System.out.printf(Locale.ROOT, "  trends step (History.compute): median %.2f ms, worst %.2f ms, first %.2f ms%n",
                    median(compute), max(compute), compute[0] / 1e6);
            System.out.printf(Locale.ROOT, "  snapshot files opened by the trends step: median %d, most %d (of %d)%n",
                    (long) (median(opened) * 1e6), (long) (max(opened) * 1e6), files.size());
            System.out.printf(Locale.ROOT, "  append after store (snapshot + index + retention): median %.2f ms, worst %.2f ms%n",
                    median(append), max(append));
            System.out.printf(Locale.ROOT, "  added to a refresh (compute + append): median %.2f ms, worst %.2f ms%n",
                    median(sum(compute, append)), max(sum(compute, append)));
            System.out.printf(Locale.ROOT, "  for contrast, reading all %d snapshots: median %.1f ms; one model's series"
                    + " (history endpoint): median %.1f ms%n", files.size(), median(naive), median(series));
            System.out.printf(Locale.ROOT, "  on disk: %d files, %.2f MB (one snapshot %.1f KB, index.json %.1f KB)%n",
                    files.size() + 1, bytes / 1e6, lastSnapshot / 1024.0, index / 1024.0);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind is harmless
            }
        }
    }

    /** A leaderboard of realistic ids whose members drift: downloads grow, a couple are replaced each refresh. */
    static final class Board {
        final List<String> ids = new ArrayList<>();
        final List<long[]> counts = new ArrayList<>(); // downloads, likes, rate
        final Random rnd;
        int next;

        Board(int n, Random rnd) {
            this.rnd = rnd;
            for (int i = 0; i < n; i++) {
                add();
            }
        }

        private void add() {
            ids.add("DiffSynth-Studio/Qwen-Image-Edit-LoRA-" + (next++));
            counts.add(new long[] {10_000 + rnd.nextInt(1_000_000), rnd.nextInt(5000), 1 + rnd.nextInt(500)});
        }

        List<History.Sample> next() {
            for (int k = 0; k < 2; k++) {
                int out = rnd.nextInt(ids.size());
                ids.remove(out);
                counts.remove(out);
                add();
            }
            List<History.Sample> out = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                long[] c = counts.get(i);
                c[0] += c[2] + rnd.nextInt(50);
                c[1] += rnd.nextInt(3);
                out.add(new History.Sample(ids.get(i), c[0], c[1]));
            }
            out.sort(Comparator.comparingLong(History.Sample::downloads).reversed());
            return out;
        }
    }

    static long[] sum(long[] a, long[] b) {
        long[] s = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    static double median(long[] ns) {
        long[] c = ns.clone();
        Arrays.sort(c);
        return c[c.length / 2] / 1e6;
    }

    static double max(long[] ns) {
        return Arrays.stream(ns).max().orElse(0) / 1e6;
    }

    /** Kept so a reader sees the record type the files hold. */
    static Class<?> format() {
        return Snapshot.class;
    }
}
