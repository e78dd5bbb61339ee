package dev.toploras.catalog;

import dev.toploras.core.SafeName;

import dev.toploras.core.Home;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The leaderboard a request is about (task, size, order, files, the configured defaults filled in) and whether its
 * cache may answer it with no request made. The catalog-refresh route's first step (CatalogSteps.begin) asks it,
 * and so does {@code fetch} before it starts Camel, so both decide "fresh" by this one rule.
 */
public record CacheTarget(String task, int limit, CatalogSort sort, Path cacheFile, Path imagesDir) {
    private static final Pattern TASK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public static CacheTarget of(CatalogRequest req, CatalogSettings settings, Home home) {
        String task = req.task() == null ? settings.tasks().get(0) : req.task().trim();
        if (!TASK_NAME.matcher(task).matches()) {
            throw new CatalogException("--task must be a ModelScope task name such as text-to-image-synthesis"
                    + " (letters, digits, '-', '_', '.'), got '" + task + "'");
        }
        String safe = SafeName.task(task);
        int limit = req.limit() == null ? settings.limit() : req.limit();
        if (limit < 1) {
            throw new CatalogException("--limit must be at least 1, got " + limit);
        }
        CatalogSort sort = req.sort() == null ? settings.sort() : req.sort();
        boolean perTask = req.perTaskCache() == null ? settings.perTaskCache() : req.perTaskCache();
        Path cacheFile = req.cacheFile() != null ? req.cacheFile()
                : home.cache().resolve(CacheFiles.leaderboardName(task, perTask, sort, settings.sort()));
        Path imagesDir = req.imagesDir() != null ? req.imagesDir()
                : perTask ? home.cache().resolve("images").resolve(safe) : home.cache().resolve("images");
        return new CacheTarget(task, limit, sort, cacheFile.toAbsolutePath(), imagesDir.toAbsolutePath());
    }

    /** The stored leaderboard when it is this task's and fresh for this size and order; empty means "ask ModelScope". */
    public Optional<CacheDocument> freshAnswer(CatalogCache cache, Duration ttl, Instant now) {
        return cache.read(cacheFile)
                .filter(doc -> task.equals(doc.task()))
                .filter(doc -> CatalogCache.isFresh(doc, ttl, now, sort, limit))
                .map(doc -> CatalogCache.topOf(doc, limit));
    }
}
