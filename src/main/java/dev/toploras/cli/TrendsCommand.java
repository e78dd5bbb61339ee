package dev.toploras.cli;

import dev.toploras.catalog.CacheDocument;
import dev.toploras.catalog.CacheFiles;
import dev.toploras.catalog.CatalogCache;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.core.Json;
import dev.toploras.core.Settings;
import dev.toploras.history.History;
import dev.toploras.history.HistoryStore;
import dev.toploras.history.Snapshot;
import dev.toploras.history.Trend;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "trends", mixinStandardHelpOptions = true,
        description = {"Prints a task's risers and new entries from cache/history/ (no network).",
            "Risers: records whose rank rose across the window (rank at their first snapshot inside it - rank now)."})
public final class TrendsCommand implements Callable<Integer> {
    @ParentCommand
    TopLorasCommand parent;

    @Option(names = "--task", paramLabel = "TASK", description = "ModelScope task (default: the first of catalog.tasks).")
    String task;

    @Option(names = "--window", paramLabel = "DURATION", description = "How far back to look, e.g. 7d, 36h "
            + "(default: history.window).")
    String window;

    @Option(names = "--limit", description = "Rows per table (default: 20).", defaultValue = "20")
    int limit;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (limit < 1) {
            err.println("top-loras: --limit must be at least 1, got " + limit);
            return ExitCode.USAGE;
        }
        if (task != null && task.isBlank()) {
            err.println("top-loras: --task needs a ModelScope task name, e.g. --task text-to-image-synthesis");
            return ExitCode.USAGE;
        }
        if (window != null && !positiveDuration(window.trim())) {
            err.println("top-loras: --window must be a positive duration with a unit, such as 36h or 7d, got '"
                    + window + "'");
            return ExitCode.USAGE;
        }
        Map<String, String> overrides = new HashMap<>();
        if (window != null) {
            overrides.put("history.window", window);
        }
        // The runtime (catalog routes only, nothing scheduled) resolves configuration as every command does.
        return parent.withRuntime(overrides, runtime -> {
            CatalogSettings catalog = runtime.bean("catalogSettings", CatalogSettings.class);
            Settings settings = runtime.bean("settings", Settings.class);
            String t = task == null ? catalog.tasks().get(0) : task.trim();
            Path cacheFile = CacheFiles.served(runtime.home().cache(), t, catalog.perTaskCache());
            HistoryStore store = CacheFiles.history(cacheFile, t, Json.mapper());
            Duration w = dev.toploras.history.HistorySettings.from(settings).window();
            return print(out, err, t, store, new CatalogCache(Json.mapper()).read(cacheFile), w, limit);
        });
    }

    private static boolean positiveDuration(String v) {
        try {
            return v.matches("\\d+(ms|s|m|h|d)") && org.apache.camel.util.TimeUtils.toMilliSeconds(v) > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static int print(PrintStream out, PrintStream err, String task, HistoryStore store, Optional<CacheDocument> cache,
                     Duration window, int limit) {
        List<HistoryStore.Stored> stored = store.list();
        Snapshot latest = null;
        Instant latestAt = null;
        for (int i = stored.size() - 1; i >= 0 && latest == null; i--) {
            latest = store.read(stored.get(i), err::println).orElse(null);
            latestAt = stored.get(i).at();
        }
        if (latest == null) {
            err.println("top-loras: no history for '" + task + "' yet under " + store.dir()
                    + ": run `fetch --task " + task + "` (each refresh adds a snapshot)");
            return ExitCode.NOT_FOUND;
        }
        List<History.Sample> samples = latest.records().stream()
                .sorted(Comparator.comparingInt(Snapshot.Entry::rank))
                .map(e -> new History.Sample(e.id(), e.downloads(), e.likes())).toList();
        History.Result r = new History(store, Clock.systemUTC())
                .compute(samples, latest.sort(), false, window, latestAt);
        r.warnings().forEach(err::println);
        Map<String, LoraRecord> titles = new HashMap<>();
        cache.ifPresent(doc -> doc.results().forEach(x -> titles.put(x.id(), x)));

        out.printf("%s: %d snapshots, latest %s, window %s%n", task, stored.size(), latest.at(), human(window));
        List<Trend> risers = r.trends().stream().filter(x -> x.windowRankGain() != null && x.windowRankGain() > 0)
                .sorted(Comparator.comparing(Trend::windowRankGain, Comparator.reverseOrder())
                        .thenComparing(Trend::rank)).limit(limit).toList();
        out.printf("%nRisers (%d)%n", risers.size());
        table(out, risers, titles);
        List<Trend> fresh = r.trends().stream().filter(Trend::isNew).limit(limit).toList();
        out.printf("%nNew entries (%d)%n", fresh.size());
        table(out, fresh, titles);
        return ExitCode.OK;
    }

    private static void table(PrintStream out, List<Trend> rows, Map<String, LoraRecord> titles) {
        if (rows.isEmpty()) {
            out.println("  (none)");
            return;
        }
        out.printf("%-5s %-7s %-10s %12s %10s  %-44s %s%n", "rank", "window", "last fetch", "downloads/d",
                "downloads", "LoRA", "title");
        for (Trend x : rows) {
            LoraRecord rec = titles.get(x.id());
            out.printf("%-5d %-7s %-10s %12s %10d  %-44s %s%n", x.rank(), arrow(x.windowRankGain()),
                    arrow(x.rankChange()), x.downloadsPerDay() == null ? "-" : String.format("%.1f", x.downloadsPerDay()),
                    x.downloads(), cut(x.id(), 44), rec == null || rec.titleEn() == null ? "" : cut(rec.titleEn(), 40));
        }
    }

    static String arrow(Integer change) {
        if (change == null) {
            return "-";
        }
        return change > 0 ? "↑" + change : change < 0 ? "↓" + (-change) : "=";
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private static String human(Duration d) {
        long h = d.toHours();
        return h % 24 == 0 ? (h / 24) + "d" : h + "h";
    }
}
