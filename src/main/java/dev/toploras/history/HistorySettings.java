package dev.toploras.history;

import dev.toploras.core.Settings;
import java.time.Duration;

/**
 * The history.* configuration: how many snapshots and how old a snapshot history keeps per task (both limits apply;
 * the newest snapshot is always kept), and the window downloads_per_day and is_new look back over.
 */
public record HistorySettings(int keepCount, Duration keepAge, Duration window) {
    public HistorySettings {
        if (keepCount < 2) {
            throw new IllegalArgumentException("history.keep-count must be at least 2 (a previous refresh to compare"
                    + " with), got " + keepCount);
        }
        if (keepAge.compareTo(window) < 0) {
            throw new IllegalArgumentException("history.keep-age (" + keepAge + ") must be at least history.window ("
                    + window + "), or the window would look at snapshots already deleted");
        }
    }

    public static HistorySettings from(Settings s) {
        return new HistorySettings(s.integer("history.keep-count"), s.duration("history.keep-age"),
                s.duration("history.window"));
    }
}
