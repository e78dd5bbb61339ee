package dev.toploras.catalog;

import dev.toploras.history.Snapshot;
import java.util.List;

/**
 * The new leaderboard of a refresh as catalog-write builds it: its records in their final order (history fields and
 * cover_local filled in), what history keeps of it, the cache document once rendered, and what went wrong on the way
 * (warnings, never failures) with the covers' counts.
 *
 * @param document null until rendered
 */
public record Refreshed(
        List<LoraRecord> records,
        Snapshot snapshot,
        CacheDocument document,
        List<String> warnings,
        int coversDownloaded,
        int coversUnchanged) {

    public Refreshed {
        records = List.copyOf(records);
        warnings = List.copyOf(warnings);
    }

    Refreshed rendered(CacheDocument doc) {
        return new Refreshed(records, snapshot, doc, warnings, coversDownloaded, coversUnchanged);
    }

    Refreshed warned(String warning) {
        List<String> more = new java.util.ArrayList<>(warnings);
        more.add(warning);
        return new Refreshed(records, snapshot, document, more, coversDownloaded, coversUnchanged);
    }
}
