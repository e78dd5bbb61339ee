package dev.toploras.bench;

import dev.toploras.core.Settings;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * What a configuration read costs, the way {@link Settings#of} reads a key now ({@code {{?key}}}, an optional
 * placeholder) or the way it did before ({@code {{key:}}}, a placeholder with an empty default). Camel takes the text
 * before a colon for the name of a properties function and, finding none registered, asks the class path for
 * {@code META-INF/services/org/apache/camel/properties-function/<name>} (up to three class loaders, each through
 * every jar) without remembering the miss: the longer the class path, the more a read costs. The test JVMs have 216
 * entries; the shaded jar is one.
 *
 * <p>One way per JVM, so that neither warms the other's code. After {@code mvn -B -q -DskipTests package}:
 * <pre>
 * mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * for way in before now; do   # the test JVMs' class path, then the shaded jar as users run it
 *   java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.toploras.bench.SettingsLookupBenchmark $way
 *   java -cp target/top-loras.jar:target/test-classes dev.toploras.bench.SettingsLookupBenchmark $way
 * done
 * </pre>
 * Keys: every key of the bundled application.properties and as many unset ones. It prints the first pass over them
 * (cold code, as each runtime a test starts meets it) and then -Dbench.rounds (20) passes, and checks that both ways
 * read the same value for every key.
 */
public final class SettingsLookupBenchmark {
    private SettingsLookupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String way = args.length > 0 ? args[0] : "now";
        int rounds = Integer.getInteger("bench.rounds", 20);
        Properties bundled = new Properties();
        try (InputStream in = SettingsLookupBenchmark.class.getResourceAsStream("/application.properties")) {
            bundled.load(in);
        }
        List<String> keys = new ArrayList<>(bundled.stringPropertyNames());
        int set = keys.size();
        for (int i = 0; i < set; i++) {
            keys.add("bench.unset-" + i);
        }
        try (DefaultCamelContext ctx = new DefaultCamelContext()) {
            ctx.getPropertiesComponent().setInitialProperties(bundled);
            ctx.build();
            Settings now = Settings.of(ctx);
            UnaryOperator<String> before = key -> ctx.resolvePropertyPlaceholders("{{" + key + ":}}").trim();
            UnaryOperator<String> read = switch (way) {
                case "now" -> now::text;
                case "before" -> before;
                default -> throw new IllegalArgumentException("way '" + way + "': give now or before");
            };
            int entries = System.getProperty("java.class.path").split(java.io.File.pathSeparator).length;
            for (int times : List.of(1, rounds)) {
                long t0 = System.nanoTime();
                for (int r = 0; r < times; r++) {
                    for (String key : keys) {
                        read.apply(key);
                    }
                }
                System.out.printf(Locale.ROOT, "%-6s class path of %3d entries, %2d x %d reads: %7.1f µs per read%n",
                        way, entries, times, keys.size(), (System.nanoTime() - t0) / 1e3 / ((long) times * keys.size()));
            }
            for (String key : keys) {
                if (!before.apply(key).equals(now.text(key))) {
                    throw new IllegalStateException(key + ": '" + before.apply(key) + "' before, '" + now.text(key)
                            + "' now");
                }
            }
        }
    }
}
