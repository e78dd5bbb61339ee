package dev.toploras.covers;

import dev.toploras.catalog.LoraRecord;

/** A cover target and what became of its cover: what covers-fetch turns a {@link CoverTarget} into. */
public record CoverResult(CoverTarget target, CoverOutcome outcome) {

    public LoraRecord record() {
        return target.record();
    }
}
