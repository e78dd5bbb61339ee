package dev.toploras.cli;

import dev.toploras.catalog.CatalogRequest;
import dev.toploras.catalog.CatalogResult;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.catalog.CatalogSort;
import dev.toploras.runtime.TopLorasRuntime;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Builds the LoRA leaderboard for a task from ModelScope into cache/, with cover images.",
            "Within catalog.ttl the cache is read and no request is made, unless --force-refresh."})
public final class FetchCommand implements Callable<Integer> {
    @ParentCommand
    TopLorasCommand parent;

    @Option(names = "--task", paramLabel = "TASK",
            description = "ModelScope task, repeatable (default: catalog.tasks, e.g. text-to-image-synthesis).")
    List<String> tasks;

    @Option(names = "--limit", description = "How many LoRAs (default: catalog.limit, 20).")
    Integer limit;

    @Option(names = "--sort", paramLabel = "ORDER", description = "downloads | likes | updated | default | trending.")
    String sort;

    @Option(names = "--force-refresh", description = "Ignore a fresh cache and ask ModelScope.")
    boolean forceRefresh;

    @Option(names = "--per-task-cache", negatable = true, fallbackValue = "true",
            description = "One cache file and images folder per task (default: catalog.per-task-cache, on).")
    Boolean perTaskCache;

    @Option(names = "--cache-file", paramLabel = "FILE", description = "Write the leaderboard here instead.")
    Path cacheFile;

    @Option(names = "--images-dir", paramLabel = "DIR", description = "Store covers here instead.")
    Path imagesDir;

    @Option(names = "--base-url", paramLabel = "URL", description = "ModelScope site (modelscope.base-url).")
    String baseUrl;

    @Option(names = "--concurrency", description = "Parallel cover downloads (covers.concurrency).")
    Integer concurrency;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "Cache freshness, e.g. 10m (catalog.ttl).")
    String ttl;

    /** Flag values a run cannot use, said in one line before anything starts; null when all are usable. */
    String badFlag() {
        if (tasks != null) {
            for (String t : tasks) {
                if (t == null || t.isBlank()) {
                    return "--task needs a ModelScope task name, e.g. --task text-to-image-synthesis";
                }
            }
        }
        if (limit != null && limit < 1) {
            return "--limit must be at least 1, got " + limit;
        }
        if (concurrency != null && concurrency < 1) {
            return "--concurrency must be at least 1, got " + concurrency;
        }
        if (ttl != null) {
            long ms;
            try {
                ms = TimeUtils.toMilliSeconds(ttl.trim());
            } catch (RuntimeException e) {
                ms = -1;
            }
            if (ms <= 0) {
                return "--ttl must be a positive duration such as 30s, 10m or 1h, got '" + ttl + "'";
            }
        }
        if (baseUrl != null && !baseUrl.matches("https?://\\S+")) {
            return "--base-url must be an http:// or https:// URL, got '" + baseUrl + "'";
        }
        if (sort != null) {
            try {
                CatalogSort.parse(sort);
            } catch (RuntimeException e) {
                return e.getMessage();
            }
        }
        if ((cacheFile != null || imagesDir != null) && tasks != null && tasks.size() > 1) {
            return "--cache-file and --images-dir take one --task; give them per run.";
        }
        return null;
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        String bad = badFlag();
        if (bad != null) {
            err.println("top-loras: " + bad);
            return ExitCode.USAGE;
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        if (baseUrl != null) {
            overrides.put("modelscope.base-url", baseUrl);
        }
        if (concurrency != null) {
            overrides.put("covers.concurrency", concurrency.toString());
        }
        if (ttl != null) {
            overrides.put("catalog.ttl", ttl.trim());
        }
        boolean progress = System.console() != null;
        if (!forceRefresh) {
            if (!parent.settingsAreKnown()) {
                return ExitCode.USAGE;
            }
            // A fresh cache for every task needs no request, so no Camel either (start-up is most of a fetch).
            var cached = CachedFetch.answer(parent.home(), parent.overrides(overrides), tasks, this::request);
            if (cached.isPresent()) {
                cached.get().forEach(result -> SummaryTable.print(out, result, parent.home()));
                return ExitCode.OK;
            }
        }
        String readOnly = parent.home().cannotWrite(parent.home().cache());
        if (readOnly != null) {
            err.println("top-loras: " + readOnly);
            return ExitCode.CONFIG;
        }
        return parent.withRuntime(overrides, runtime -> {
            CatalogSettings catalog = runtime.bean("catalogSettings", CatalogSettings.class);
            List<String> wanted = tasks == null || tasks.isEmpty() ? catalog.tasks() : tasks;
            int worst = ExitCode.OK;
            for (String task : wanted) {
                CatalogRequest req = request(task);
                try {
                    CatalogResult result = progress ? BarConsole.around(() -> refresh(runtime, req))
                            : refresh(runtime, req);
                    SummaryTable.print(out, result, runtime.home());
                } catch (RuntimeException e) {
                    Failures.Verdict v = Failures.judge(e);
                    err.println("top-loras: fetch of '" + task + "' failed: " + v.message()
                            + " — the previous cache, if any, is unchanged." + hint(v));
                    worst = Math.max(worst, v.exitCode());
                }
            }
            return worst;
        });
    }

    private static CatalogResult refresh(TopLorasRuntime runtime, CatalogRequest req) {
        return runtime.template().requestBody("direct:catalog-refresh", req, CatalogResult.class);
    }

    /** A first run behind a firewall fails here: say how to point the runtime at a reachable copy. */
    static String hint(Failures.Verdict v) {
        return v.exitCode() == ExitCode.UPSTREAM_UNAVAILABLE
                ? " No access to ModelScope? Point the runtime at a mirror or stub: MODELSCOPE_BASE_URL=http://host:port"
                + " (or --base-url)."
                : "";
    }

    private CatalogRequest request(String task) {
        return new CatalogRequest(task.trim(), limit, sort == null ? null : CatalogSort.parse(sort), forceRefresh,
                perTaskCache, cacheFile, imagesDir, System.console() != null, null);
    }
}
