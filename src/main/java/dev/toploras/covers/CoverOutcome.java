package dev.toploras.covers;

import java.nio.file.Path;

/** What became of one cover: the stored file (or null), and a warning when it could not be (re)fetched. */
public record CoverOutcome(Path file, String warning, boolean downloaded, boolean unchanged) {
    /** No cover: none listed, or none fetched. */
    public static CoverOutcome none() {
        return new CoverOutcome(null, null, false, false);
    }
}
