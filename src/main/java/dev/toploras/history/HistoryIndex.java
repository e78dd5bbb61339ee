package dev.toploras.history;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Instant;
import java.util.Map;

/**
 * index.json beside the snapshots: when history for the task began, the newest snapshot folded in, and per id when it
 * was first and last seen. It lets a refresh answer first_seen_at without opening every snapshot, and outlives
 * retention (an id forgotten for longer than history.keep-age leaves it). A missing or unreadable index is rebuilt
 * from the snapshots; snapshots newer than {@code upTo} (a crash between the two writes) are folded in on reading.
 */
public record HistoryIndex(Instant since, Instant upTo, Map<String, Seen> ids) {

    public HistoryIndex {
        ids = ids == null ? Map.of() : ids;
    }

    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    public record Seen(Instant first, Instant last) {
    }
}
