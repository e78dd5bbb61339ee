package dev.toploras.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Wiring Camel can see (issue 22): beans are bound by Camel Main's means ({@code @BindToRegistry} methods of
 * configuration classes, or {@code - beans:} in YAML), and properties are chosen, never rewritten at start. A plain
 * scan of the main sources, so a new hand binding or override fails here, naming the file and line.
 */
class WiringRulesTest {
    private static final Path MAIN = Path.of("src/main/java");
    /** A registry bind by hand: getRegistry().bind(...), a registry variable's .bind(...), or Main.bind(...). */
    private static final Pattern HAND_BINDING = Pattern.compile(
            "getRegistry\\(\\)\\s*\\.\\s*bind\\s*\\(|\\b(registry|main)\\s*\\.\\s*bind\\s*\\(", Pattern.CASE_INSENSITIVE);
    private static final Pattern OVERRIDE = Pattern.compile("addOverrideProperty");

    @Test
    void should_bind_no_bean_by_hand_in_the_main_sources() {
        assertThat(lines(HAND_BINDING)).as("bind with @BindToRegistry in a configuration class instead").isEmpty();
    }

    @Test
    void should_rewrite_no_property_at_start_in_the_main_sources() {
        assertThat(lines(OVERRIDE)).as("choose with properties (generation.queue-<role>, {{url:...}}) instead")
                .isEmpty();
    }

    @Test
    void should_find_the_main_sources_it_scans() {
        // run from the project folder, as Maven does; an empty scan would pass the two rules above vacuously
        assertThat(MAIN.resolve("dev/toploras/App.java")).isRegularFile();
    }

    private static List<String> lines(Pattern pattern) {
        List<String> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> text = Files.readAllLines(file);
                for (int i = 0; i < text.size(); i++) {
                    if (pattern.matcher(text.get(i)).find()) {
                        hits.add(MAIN.relativize(file) + ":" + (i + 1) + ": " + text.get(i).trim());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hits;
    }
}
