package dev.toploras.cli;

import dev.toploras.catalog.CatalogResult;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.core.Home;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The fetch summary: one row per LoRA, then where the file is and what the run did. */
final class SummaryTable {
    private SummaryTable() {
    }

    static void print(PrintStream out, CatalogResult r, Home home) {
        List<LoraRecord> rows = r.document() == null ? List.of() : r.document().results();
        out.printf("%-4s %-48s %10s %7s  %-28s %s%n", "#", "LoRA", "downloads", "likes", "base model", "cover");
        int i = 1;
        for (LoraRecord x : rows) {
            out.printf("%-4d %-48s %10d %7d  %-28s %s%n", i++, cut(x.id(), 48), x.downloads(), x.likes(),
                    cut(x.baseModels().isEmpty() ? "-" : x.baseModels().get(0), 28),
                    x.coverLocal() == null ? "-" : "yes");
        }
        String where = home.relative(r.cacheFile());
        if (r.fromCache()) {
            Duration age = Duration.between(r.document().cachedAt(), Instant.now());
            out.printf("%s: %d LoRAs from the cache (%s old; --force-refresh to fetch again)%n", where, rows.size(),
                    human(age));
        } else {
            int failed = (int) rows.stream().filter(x -> x.coverLocal() == null && x.coverUrl() != null).count();
            out.printf("%s: %d LoRAs, %d page(s) in %.3f s; covers: %d downloaded, %d unchanged, %d failed%n",
                    where, rows.size(), r.pagesFetched(), r.elapsedMs() / 1000.0, r.coversDownloaded(),
                    r.coversUnchanged(), failed);
        }
        if (!r.fromCache() && r.document() != null && rows.size() < r.document().limit()) {
            out.printf("%d LoRAs, fewer than the %d asked for: that is all the listing returned for %s%n",
                    rows.size(), r.document().limit(), r.task());
        }
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" : (s / 3600) + "h" + ((s % 3600) / 60) + "m";
    }
}
