package dev.toploras.cli;

import dev.toploras.catalog.CacheDocument;
import dev.toploras.catalog.CacheTarget;
import dev.toploras.catalog.CatalogCache;
import dev.toploras.catalog.CatalogRequest;
import dev.toploras.catalog.CatalogResult;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.runtime.RouteFiles;
import dev.toploras.runtime.TopLorasRuntime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A `fetch` whose every task has a fresh cache makes no request, so starting Camel (most of a one-shot command's
 * time) buys it nothing: this answers it from the cache first, by the same rule the catalog-refresh route applies
 * ({@link CacheTarget#freshAnswer}). Whenever it cannot be sure the route would answer the same way, it answers
 * nothing and the route runs: a task is stale, the configuration does not read, or the user has route files of
 * their own (which may change the flow).
 */
final class CachedFetch {
    private CachedFetch() {
    }

    /** One result per task, each from a fresh cache; empty when any task needs the route. */
    static Optional<List<CatalogResult>> answer(Home home, Map<String, String> overrides, List<String> tasks,
                                                Function<String, CatalogRequest> requestFor) {
        try {
            if (!RouteFiles.locations(home, false).stream().allMatch(l -> l.startsWith("classpath:"))) {
                return Optional.empty();
            }
            CatalogSettings settings = CatalogSettings.from(TopLorasRuntime.settingsWithoutStarting(home, overrides));
            // An unreadable cache is the route's to report (once): here it only means "run the route".
            CatalogCache cache = CatalogCache.quiet(Json.mapper());
            Instant now = Instant.now();
            List<CatalogResult> results = new ArrayList<>();
            for (String task : tasks == null || tasks.isEmpty() ? settings.tasks() : tasks) {
                CacheTarget target = CacheTarget.of(requestFor.apply(task), settings, home);
                Optional<CacheDocument> doc = target.freshAnswer(cache, settings.ttl(), now);
                if (doc.isEmpty()) {
                    return Optional.empty();
                }
                results.add(new CatalogResult(target.task(), null, target.cacheFile(), doc.get(), true, 0, 0, 0,
                        List.of(), 0));
            }
            return Optional.of(results);
        } catch (RuntimeException e) {
            // the route will meet the same problem and report it properly (file, key, exit code)
            return Optional.empty();
        }
    }
}
