package dev.toploras.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The split's aggregation strategy in routes/catalog.camel.yaml: each record that came through every filter joins
 * the refresh's {@link Leaderboard}, held in the variable {@code leaderboard}; one entry per id, the larger download
 * count wins. A record came through when the innermost step marked it (variable {@code collect} = true) and its body
 * is a cache-shaped Map with an {@code id}: Camel's filter leaves no trace on a message it turns away, so the mark
 * is what tells them apart. After the split the body is the leaderboard.
 */
public final class LeaderboardStrategy implements AggregationStrategy {
    public static final String VARIABLE = "leaderboard";
    public static final String MARK = "collect";
    private final ObjectMapper json;

    public LeaderboardStrategy(ObjectMapper json) {
        this.json = json;
    }

    /** A fresh, empty leaderboard for one refresh (the route keeps it in the variable {@value #VARIABLE}). */
    public Leaderboard board() {
        return new Leaderboard();
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange result = oldExchange == null ? newExchange : oldExchange;
        Leaderboard board = newExchange.getVariable(VARIABLE, Leaderboard.class);
        if (board == null) {
            throw new CatalogException("the variable '" + VARIABLE + "' is not set: set it before the split of"
                    + " catalog-fetch-page (see the bundled routes/catalog.camel.yaml)");
        }
        Object body = newExchange.getMessage().getBody();
        boolean marked = Boolean.TRUE.equals(newExchange.getVariable(MARK, Boolean.class));
        // the mark must not travel on (the split copies the result's variables back to the page's exchange)
        newExchange.removeVariable(MARK);
        result.removeVariable(MARK);
        if (marked && body instanceof Map<?, ?> m && m.get("id") instanceof String) {
            board.add(json.convertValue(m, LoraRecord.class));
        }
        result.getMessage().setBody(board);
        return result;
    }
}
