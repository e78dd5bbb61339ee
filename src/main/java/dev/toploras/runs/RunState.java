package dev.toploras.runs;

import java.util.Locale;

/** Run states (seed 003), one vocabulary for files, API and UI: warnings are a kind of completion, not a state of their own. */
public enum RunState {
    RUNNING, COMPLETED, COMPLETED_WITH_WARNINGS, FAILED, CANCELLED;

    public boolean isFinal() {
        return this != RUNNING;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunState parse(String s) {
        for (RunState r : values()) {
            if (r.wire().equals(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown run state '" + s + "': use running, completed, "
                + "completed_with_warnings, failed or cancelled");
    }
}
