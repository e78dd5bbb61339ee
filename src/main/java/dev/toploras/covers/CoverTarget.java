package dev.toploras.covers;

import dev.toploras.catalog.LoraRecord;
import java.nio.file.Path;

/**
 * One cover to fetch: the leaderboard record it belongs to, its place in the top N, the folder it goes to, and the run
 * whose item shows its progress.
 */
public record CoverTarget(LoraRecord record, int position, Path dir, String runId) {
}
