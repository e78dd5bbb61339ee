package dev.toploras.runs;

import java.util.Locale;

/** What a run is made of: a catalog refresh (one item per LoRA) or a batch of jobs (one item per job). */
public enum RunKind {
    REFRESH, BATCH;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunKind parse(String s) {
        for (RunKind k : values()) {
            if (k.wire().equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown run kind '" + s + "': use refresh or batch");
    }
}
