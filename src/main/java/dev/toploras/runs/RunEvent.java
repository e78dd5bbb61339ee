package dev.toploras.runs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** One line of cache/runs/<run_id>/events.jsonl: the trail of a run and of each of its items. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunEvent(long id, String runId, String itemId, Instant ts, String stage, String message) {
}
