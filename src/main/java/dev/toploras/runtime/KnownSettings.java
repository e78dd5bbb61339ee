package dev.toploras.runtime;

import dev.toploras.core.Home;

import dev.toploras.catalog.CatalogSort;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.camel.util.TimeUtils;

/**
 * The keys a user may set, with the type their bundled default implies, so a `--set` typo or a wrong value is
 * caught on the command line, before Camel starts, and named. Known: every key of the bundled
 * application.properties, every key of {@code <home>/application.properties} (a user's own route may read its own
 * keys), {@code inbox.dir}, and Camel's own {@code camel.*} keys, which Camel checks itself.
 */
public final class KnownSettings {
    private static final String BUNDLED = "application.properties";
    private final Map<String, String> defaults;

    private KnownSettings(Map<String, String> defaults) {
        this.defaults = defaults;
    }

    public static KnownSettings of(Home home) {
        Map<String, String> all = new TreeMap<>();
        try (InputStream in = KnownSettings.class.getClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " is missing from the jar");
            }
            all.putAll(load(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path user = home.root().resolve(BUNDLED);
        if (Files.isRegularFile(user)) {
            try (Reader r = Files.newBufferedReader(user)) {
                Properties p = new Properties();
                p.load(r);
                // the user's keys are known, but their types stay those of the bundled defaults
                p.stringPropertyNames().forEach(k -> all.putIfAbsent(k, ""));
            } catch (IOException e) {
                throw new SettingException("cannot read " + user + ": " + e.getMessage());
            }
        }
        all.putIfAbsent("inbox.dir", "");
        return new KnownSettings(all);
    }

    private static Map<String, String> load(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return m;
    }

    /** Every known key. */
    public java.util.Set<String> keys() {
        return java.util.Collections.unmodifiableSet(defaults.keySet());
    }

    /** Throws on the first key that is unknown or whose value does not fit the type of its default. */
    public void check(Map<String, String> sets) {
        sets.forEach(this::check);
    }

    void check(String key, String value) {
        if (key.startsWith("camel.")) {
            return;
        }
        if (!defaults.containsKey(key)) {
            throw new SettingException("--set " + key + ": unknown configuration key; did you mean '" + nearest(key)
                    + "'? (the keys are listed in the README's Configuration table)");
        }
        String def = defaults.get(key);
        String v = value == null ? "" : value.trim();
        if (key.equals("catalog.sort")) {
            try {
                CatalogSort.parse(v);
            } catch (RuntimeException e) {
                throw new SettingException("--set " + key + "=" + v + ": " + e.getMessage());
            }
        } else if (def.matches("-?\\d+")) {
            if (!v.matches("-?\\d{1,18}")) {
                throw new SettingException("--set " + key + "=" + v + ": " + key + " takes a whole number, e.g. "
                        + def);
            }
        } else if (def.matches("\\d+(ms|s|m|h|d)")) {
            if (!isDuration(v)) {
                throw new SettingException("--set " + key + "=" + v + ": " + key
                        + " takes a positive duration with a unit (500ms, 10s, 10m, 1h, 7d), e.g. " + def);
            }
        } else if (def.equals("true") || def.equals("false")) {
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new SettingException("--set " + key + "=" + v + ": " + key + " takes true or false");
            }
        }
    }

    private static boolean isDuration(String v) {
        try {
            return TimeUtils.toMilliSeconds(v) > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The known key fewest edits away (ties: alphabetical), for "did you mean". */
    String nearest(String key) {
        List<String> keys = new ArrayList<>(defaults.keySet());
        return keys.stream().min(Comparator.comparingInt((String k) -> distance(key, k)).thenComparing(k -> k))
                .orElse("");
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
