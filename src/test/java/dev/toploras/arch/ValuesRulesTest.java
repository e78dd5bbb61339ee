package dev.toploras.arch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.catalog.CatalogValuesTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The body is the value (issue 22), over the whole repository: routes pass no mutable run object, beans read no
 * exchange variable by name, and no bean call in a route a user reads or copies takes more than three arguments
 * (a call that needs more is missing a record). A plain scan, so a new offender fails here naming file and line.
 */
class ValuesRulesTest {
    private static final List<Path> FLOWS = List.of(Path.of("routes"), Path.of("examples"));
    private static final Path MAIN = Path.of("src/main/java");
    /** A method expression and its argument list: {@code method: "name(a, b, ...)"}. */
    private static final Pattern CALL = Pattern.compile("method: \"([A-Za-z][A-Za-z0-9]*)\\((.*)\\)\"");
    private static final Pattern RUN = Pattern.compile("\\$\\{variable\\.run[}.]");

    /**
     * Parameters still bound to a variable by name, with why each remains; the list may only shrink. Counted by the
     * annotation, not the file, so a class moving package keeps its entry.
     */
    private static final Map<String, String> FROZEN_VARIABLE_BINDINGS = Map.of(
            // JobIntake.rejection (the inbox's): its other inputs are the file's name and length, bound from headers
            // on purpose (a file name is never placed in an expression), so a fourth explicit argument does not fit.
            "@Variable(\"jobId\")", "the inbox's rejection",
            // InboxGate.writeReason: beside the target and file name from the exchange; making the problem its body
            // would change what a user's copy of inbox.camel.yaml must say, for no argument fewer.
            "@Variable(\"problem\")", "the inbox's writeReason");

    @Test
    void should_pass_no_run_object_in_the_flows() {
        assertThat(matches(flowFiles(), RUN)).as("pass the value the step works on instead").isEmpty();
    }

    @Test
    void should_read_no_exchange_variable_by_name_in_the_main_sources() {
        assertThat(matches(mainFiles(), Pattern.compile("getVariable\\("))).as("take it as an argument the route passes")
                .isEmpty();
    }

    @Test
    void should_bind_no_new_parameter_to_a_variable_by_name() {
        Map<String, Integer> found = new TreeMap<>();
        for (String line : matches(mainFiles(), Pattern.compile("@Variable\\(\"[^\"]*\"\\)"))) {
            Matcher m = Pattern.compile("@Variable\\(\"[^\"]*\"\\)").matcher(line);
            while (m.find()) {
                found.merge(m.group(), 1, Integer::sum);
            }
        }
        assertThat(found.keySet()).as("a new @Variable binding: pass the value as an argument the route shows")
                .isSubsetOf(FROZEN_VARIABLE_BINDINGS.keySet());
        assertThat(FROZEN_VARIABLE_BINDINGS.keySet()).as("gone: take it off the frozen list")
                .isSubsetOf(found.keySet());
    }

    @Test
    void should_call_no_bean_with_more_than_three_arguments_in_the_flows() {
        List<String> wide = new ArrayList<>();
        for (Path f : flowFiles()) {
            List<String> lines = read(f);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = CALL.matcher(lines.get(i));
                if (m.find() && CatalogValuesTest.arguments(m.group(2)) > 3) {
                    wide.add(f + ":" + (i + 1) + " " + m.group(1) + " takes "
                            + CatalogValuesTest.arguments(m.group(2)));
                }
            }
        }
        assertThat(wide).as("gather what the step works on into a record (at most three arguments)").isEmpty();
    }

    @Test
    void should_find_the_files_it_scans() {
        // run from the project folder, as Maven does; an empty scan would pass the rules above vacuously
        assertThat(flowFiles()).extracting(Path::toString).contains("routes/generation.camel.yaml",
                "examples/generation-submit-header.camel.yaml");
        assertThat(mainFiles()).hasSizeGreaterThan(100);
        assertThat(CatalogValuesTest.arguments("${variable.jobId}, f(${body}, 'a,b'), 3")).isEqualTo(3);
    }

    private static List<String> matches(List<Path> files, Pattern p) {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = read(f);
            for (int i = 0; i < lines.size(); i++) {
                if (p.matcher(lines.get(i)).find()) {
                    out.add(f + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        }
        return out;
    }

    private static List<Path> flowFiles() {
        List<Path> out = new ArrayList<>();
        for (Path dir : FLOWS) {
            out.addAll(walk(dir, ".yaml"));
        }
        return out;
    }

    private static List<Path> mainFiles() {
        return walk(MAIN, ".java");
    }

    private static List<Path> walk(Path dir, String ext) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(ext)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path f) {
        try {
            return Files.readAllLines(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
