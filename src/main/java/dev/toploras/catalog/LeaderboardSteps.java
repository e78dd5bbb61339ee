package dev.toploras.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * The leaderboard steps of routes/catalog.camel.yaml (bean {@code leaderboard}): an empty board before the first
 * page, a record in the cache's shape turned into its {@link LoraRecord} at the end of the split's filters, and each
 * page's records added to the board. A record that was turned away by a filter never became a LoraRecord, so the
 * page keeps only what came through every filter.
 */
public final class LeaderboardSteps {
    private final ObjectMapper json;

    public LeaderboardSteps(ObjectMapper json) {
        this.json = json;
    }

    /** The board before the first page. */
    public Leaderboard board() {
        return Leaderboard.EMPTY;
    }

    /** A record that came through every filter, in the cache's shape, as the leaderboard entry it becomes. */
    public LoraRecord entry(Map<String, Object> cacheRecord) {
        return cacheRecord == null ? null : json.convertValue(cacheRecord, LoraRecord.class);
    }

    /**
     * The board with a page's entries added. The page is what the split collected (its bodies, in order): the
     * LoraRecords among them are the entries; a page without records leaves the listing itself, which adds nothing.
     */
    public Leaderboard plus(Leaderboard board, Object page) {
        return page instanceof Iterable<?> bodies ? board.plus(bodies) : board;
    }
}
