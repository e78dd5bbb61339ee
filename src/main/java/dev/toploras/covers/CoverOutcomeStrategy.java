package dev.toploras.covers;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The enrich step of routes/covers.camel.yaml: the record's exchange gains what the covers-fetch flow found (its
 * {@code cover} variable, a {@link CoverFetch} with the outcome); the record itself stays the body.
 */
public final class CoverOutcomeStrategy implements AggregationStrategy {
    public static final String VARIABLE = "cover";

    @Override
    public Exchange aggregate(Exchange record, Exchange fetched) {
        if (fetched != null) {
            record.setVariable(VARIABLE, fetched.getVariable(VARIABLE));
            if (fetched.getException() != null) {
                record.setException(fetched.getException());
            }
        }
        return record;
    }
}
