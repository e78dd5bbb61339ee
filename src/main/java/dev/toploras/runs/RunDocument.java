package dev.toploras.runs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.toploras.errors.Problem;
import java.time.Instant;
import java.util.Map;

/** cache/runs/<run_id>/run.json: what a run is, how far it got, and how it ended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunDocument(String runId, String kind, String state, Map<String, Object> params, Instant createdAt,
                          Instant finishedAt, Counts counts, Problem error) {

    public record Counts(int items, int done, int warnings, int failed) {
    }

    public RunDocument {
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    public RunDocument with(String newState, Instant finished, Counts c, Problem err) {
        return new RunDocument(runId, kind, newState, params, createdAt, finished, c, err);
    }
}
