package dev.toploras.runs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One unit of a run: a LoRA record of a refresh (stage fetch → cover → done) or a job of a batch (stage = the job's
 * status). Warnings are listed on the item; {@code has_warning} is derived from them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunItem(String itemId, String runId, String stage, String label, List<String> warnings,
                      String error, Instant updatedAt) {
    public RunItem {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public boolean hasWarning() {
        return !warnings.isEmpty();
    }

    public RunItem at(String newStage, Instant now) {
        return new RunItem(itemId, runId, newStage, label, warnings, error, now);
    }

    public RunItem warned(String warning, Instant now) {
        List<String> w = new java.util.ArrayList<>(warnings);
        w.add(warning);
        return new RunItem(itemId, runId, stage, label, w, error, now);
    }

    public RunItem failed(String why, Instant now) {
        return new RunItem(itemId, runId, stage, label, warnings, why, now);
    }
}
