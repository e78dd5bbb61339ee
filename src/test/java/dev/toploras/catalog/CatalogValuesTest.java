package dev.toploras.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The catalog and covers flows pass values, not a mutable run, and their beans take what they work on as arguments
 * the YAML shows (issue 22): no {@code ${variable.run}}, no bean reading exchange variables by name, no bean call
 * with more than three arguments, in the routes, the recipes users copy, and the catalog and covers code.
 */
public class CatalogValuesTest {
    static final List<Path> ROUTES = List.of(Path.of("routes/catalog.camel.yaml"), Path.of("routes/covers.camel.yaml"),
            Path.of("examples/copy-cache/catalog.camel.yaml"), Path.of("examples/filter-records/catalog.camel.yaml"),
            Path.of("examples/listing-header/catalog.camel.yaml"),
            Path.of("examples/page-size-and-sort/catalog.camel.yaml"));
    static final List<Path> CODE = List.of(Path.of("src/main/java/dev/toploras/catalog"),
            Path.of("src/main/java/dev/toploras/covers"));
    /** A method expression's argument list: {@code method: "name(a, b, ...)"}. */
    static final Pattern CALL = Pattern.compile("method: \"[A-Za-z]+\\((.*)\\)\"");

    @Test
    void should_pass_no_run_object_and_at_most_three_arguments_in_the_catalog_and_covers_flows() throws IOException {
        for (Path file : ROUTES) {
            String yaml = Files.readString(file);
            assertThat(yaml).as(file.toString()).doesNotContain("${variable.run");
            Matcher m = CALL.matcher(yaml);
            while (m.find()) {
                assertThat(arguments(m.group(1))).as(file + ": " + m.group()).isLessThanOrEqualTo(3);
            }
        }
    }

    @Test
    void should_have_no_catalog_or_covers_bean_read_exchange_variables_by_name() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path dir : CODE) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(f);
                    if (src.contains("getVariable(") || src.contains("@Variable(") || src.contains("CatalogRun")) {
                        found.add(f.toString());
                    }
                }
            }
        }
        assertThat(found).isEmpty();
    }

    /** How many arguments a method expression's list has: top-level commas, outside {@code ${...}} and (...). */
    public static int arguments(String list) {
        int depth = 0;
        int n = list.isBlank() ? 0 : 1;
        for (char c : list.toCharArray()) {
            if (c == '{' || c == '(') {
                depth++;
            } else if (c == '}' || c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                n++;
            }
        }
        return n;
    }
}
