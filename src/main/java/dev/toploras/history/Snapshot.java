package dev.toploras.history;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One refresh of one task as history keeps it: when, in which order, and per record its rank and counts. On disk
 * each entry is a JSON array {@code ["owner/name", rank, downloads, likes]}, so 100 records take a few KB.
 */
public record Snapshot(Instant at, String sort, List<Entry> records) {

    public Snapshot {
        // The file name carries the time to the millisecond; the content must say the same time.
        at = at == null ? null : at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        records = records == null ? List.of() : List.copyOf(records);
    }

    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    public record Entry(String id, int rank, long downloads, long likes) {
    }

    /** The entries by id (ids are unique within a snapshot). */
    public Map<String, Entry> byId() {
        Map<String, Entry> m = new HashMap<>(records.size() * 2);
        for (Entry e : records) {
            m.put(e.id(), e);
        }
        return m;
    }
}
