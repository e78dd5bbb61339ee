package dev.toploras.history;

import java.time.Instant;

/**
 * What history says about one record of the current refresh. Null means "not known", never zero: {@code rankChange}
 * and the deltas are null when the record was not in the previous snapshot (or, for the rank, when that snapshot was
 * in another order); {@code downloadsPerDay} is null when no snapshot inside the window (and at least an hour
 * old) holds the record.
 * {@code windowRankGain} (rank at the first snapshot inside the window − rank now) is for the trends table only.
 */
public record Trend(
        String id,
        int rank,
        long downloads,
        long likes,
        Integer rankChange,
        Long downloadsDelta,
        Long likesDelta,
        Double downloadsPerDay,
        Instant firstSeenAt,
        boolean isNew,
        Integer windowRankGain) {
}
