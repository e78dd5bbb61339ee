package dev.toploras.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.camel.util.TimeUtils;

/** Typed views of the configuration, read through Camel's properties (so env vars and CLI overrides apply). */
public final class Settings {
    private final UnaryOperator<String> lookup;

    public Settings(UnaryOperator<String> lookup) {
        this.lookup = lookup;
    }

    /**
     * The configuration as the context resolves it: files, environment variables, overrides; unset keys empty.
     * Read as an optional placeholder ({{?key}}, null when unset), not with an empty default ({{key:}}): Camel takes
     * the text before a colon for the name of a properties function and, finding none registered, looks for one on
     * the class path, which made each key's first read cost about 0.4 ms more (docs/benchmarks.md, "configuration
     * reads without a class-path search").
     */
    public static Settings of(org.apache.camel.CamelContext ctx) {
        return new Settings(key -> ctx.resolvePropertyPlaceholders("{{?" + key + "}}"));
    }

    public String text(String key) {
        String v = lookup.apply(key);
        return v == null ? "" : v.trim();
    }

    public int integer(String key) {
        long v = longValue(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " is out of range: " + v);
        }
        return (int) v;
    }

    public long longValue(String key) {
        String v = text(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
        }
    }

    public Duration duration(String key) {
        String v = text(key);
        try {
            long ms = TimeUtils.toMilliSeconds(v);
            if (ms <= 0) {
                throw new IllegalArgumentException();
            }
            return Duration.ofMillis(ms);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be a positive duration such as 500ms, 10s or 10m, got '"
                    + v + "'");
        }
    }

    public List<String> list(String key) {
        return Arrays.stream(text(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public boolean bool(String key) {
        String v = text(key);
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** Quartz cron has seconds first: 6 or 7 fields. A 5-field Unix cron is the usual mistake; say so. */
    public String quartzCron(String key) {
        String v = text(key);
        int fields = v.isEmpty() ? 0 : v.split("\\s+").length;
        if (fields < 6 || fields > 7) {
            throw new IllegalArgumentException(key + " needs a Quartz cron of 6 or 7 fields (sec min hour day month"
                    + " weekday [year]), got " + fields + ": '" + v + "'" + (fields == 5 ? "; try '0 " + v
                    .replaceFirst("\\*$", "?") + "'" : ""));
        }
        return v;
    }

    /** How long the inbox waits for a file that ends mid-document to be finished before rejecting it. */
    public Duration inboxIncompleteWait() {
        return duration("inbox.incomplete-wait");
    }
}
