package dev.toploras.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.SafeName;
import dev.toploras.history.HistoryStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The one place that names the cache's files: a task's leaderboard and its history folder. The CLI, the API, the
 * catalog flow and the LoRA lookups all go through it, so a change of the naming rule cannot leave one reader behind.
 */
public final class CacheFiles {
    private static final String PREFIX = "top_loras";
    private static final String SUFFIX = ".json";

    private CacheFiles() {
    }

    /**
     * The cache rule: one leaderboard file per task and order. The configured order (catalog.sort, what `serve`, the
     * API and `trends` read) keeps the plain name {@code top_loras_<task>.json}; any other order asked for by
     * `fetch --sort` gets {@code top_loras_<task>.<sort>.json}, so it never replaces what `serve` shows.
     */
    public static String leaderboardName(String task, boolean perTask, CatalogSort sort, CatalogSort configured) {
        return name(task, perTask, sort == configured ? "" : "." + sort.wire());
    }

    /** The leaderboard `serve`, the API and `trends` read for a task: the one in the configured order. */
    public static Path served(Path cacheDir, String task, boolean perTask) {
        return cacheDir.resolve(name(task, perTask, ""));
    }

    private static String name(String task, boolean perTask, String variant) {
        return (perTask ? PREFIX + "_" + SafeName.task(task) : PREFIX) + variant + SUFFIX;
    }

    /** Any leaderboard file, of any task and order (what a lookup of a LoRA's record reads). */
    public static boolean isLeaderboard(String fileName) {
        return fileName.startsWith(PREFIX) && fileName.endsWith(SUFFIX);
    }

    /**
     * The task whose served leaderboard this file is; empty for a file in another order
     * ({@code top_loras_<task>.<sort>.json} is that task's too, not a task of its own) or not a per-task file.
     */
    public static Optional<String> taskOf(String fileName) {
        if (!fileName.startsWith(PREFIX + "_") || !fileName.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String task = fileName.substring(PREFIX.length() + 1, fileName.length() - SUFFIX.length());
        boolean ordered = Arrays.stream(CatalogSort.values()).anyMatch(s -> task.endsWith("." + s.wire()));
        return ordered ? Optional.empty() : Optional.of(task);
    }

    /**
     * Snapshots of a task live beside its leaderboard: {@code <cache folder>/history/<safe_task>/}, or
     * {@code history/<safe_task>.<sort>/} for a leaderboard kept in another order, so one history never mixes two
     * orders and every caller finds it from the file.
     */
    public static HistoryStore history(Path leaderboard, String task, ObjectMapper json) {
        String name = leaderboard.getFileName().toString();
        String variant = "";
        for (CatalogSort s : CatalogSort.values()) {
            if (name.endsWith("." + s.wire() + SUFFIX)) {
                variant = "." + s.wire();
            }
        }
        return new HistoryStore(leaderboard.toAbsolutePath().getParent().resolve("history")
                .resolve(SafeName.task(task) + variant), json);
    }
}
