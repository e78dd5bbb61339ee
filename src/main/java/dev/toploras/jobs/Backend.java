package dev.toploras.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a job asks to run: ModelScope, the local processor, or ModelScope with the local one as fallback. */
public enum Backend {
    AUTO, REMOTE, LOCAL;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public static Backend parse(String text) {
        return text == null ? AUTO : valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
