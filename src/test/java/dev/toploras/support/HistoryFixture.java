package dev.toploras.support;

import dev.toploras.core.Json;
import dev.toploras.history.HistorySettings;
import dev.toploras.history.HistoryStore;
import dev.toploras.history.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Snapshots written into a home folder as earlier refreshes would have left them. */
public final class HistoryFixture {
    static final HistorySettings KEEP = new HistorySettings(1000, Duration.ofDays(90), Duration.ofDays(7));

    private HistoryFixture() {
    }

    public static HistoryStore store(Path home, String task) {
        return new HistoryStore(home.resolve("cache/history").resolve(task), Json.mapper());
    }

    /** One snapshot; {@code rows} are id, downloads, likes triples in rank order. */
    public static void snapshot(Path home, String task, Instant at, String sort, Object... rows) {
        List<Snapshot.Entry> entries = new ArrayList<>();
        for (int i = 0; i < rows.length; i += 3) {
            entries.add(new Snapshot.Entry((String) rows[i], i / 3 + 1, ((Number) rows[i + 1]).longValue(),
                    ((Number) rows[i + 2]).longValue()));
        }
        store(home, task).append(new Snapshot(at, sort, entries), KEEP);
    }
}
