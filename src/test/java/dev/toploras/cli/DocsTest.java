package dev.toploras.cli;

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

/** The README and docs/ point only at files this repository holds (a reader of a fresh clone must find them). */
class DocsTest {
    /** A repository path in backticks or a Markdown link: has a folder and a file extension, no placeholder. */
    static final Pattern PATH = Pattern.compile("(?:`|\\]\\()([A-Za-z0-9_./-]+/[A-Za-z0-9_.-]+\\.(?:md|java|yaml|json|properties|xml))[`)# ]");

    @Test
    void should_point_only_at_files_the_repository_holds() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> files = Files.list(Path.of("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
        }
        List<String> missing = new ArrayList<>();
        for (Path doc : docs) {
            Matcher m = PATH.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("cache/") || target.startsWith("inbox/")) {
                    continue; // what the runtime writes under the home folder, not a file of the repository
                }
                Path resolved = target.startsWith("docs/") || target.startsWith("src/") || target.startsWith("routes/")
                        ? Path.of(target) : doc.getParent() == null ? Path.of(target) : doc.getParent().resolve(target);
                if (!Files.exists(resolved) && !Files.exists(Path.of(target))) {
                    missing.add(doc + " -> " + target);
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    /** A name in backticks that points into the code: {@code pkg/Class}, {@code Class.member} or a bare {@code Class}. */
    static final Pattern CODE_NAME = Pattern.compile(
            "`(?:((?:[a-z0-9]+/)+)([A-Z][A-Za-z0-9]*)|([A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+))(?:\\.([A-Za-z_][A-Za-z0-9_]*))?`");

    /** Names docs/architecture.md gives that are not this repository's: Camel's (a header among them), one that is gone. */
    static final List<String> NOT_OURS = List.of(
            "CamelHttpUri", "HttpOperationFailedException", "RuntimeBeanExpressionException", "UpstreamHttp");

    /**
     * docs/architecture.md is the map of the code: every class it names (with its package, or alone) is a source file
     * of main or test, a member it names is in that file, and every flow file it names is in routes/.
     */
    @Test
    void should_name_only_classes_members_and_flows_that_exist_in_the_architecture_page() throws IOException {
        String doc = Files.readString(Path.of("docs/architecture.md"));
        List<String> missing = new ArrayList<>();
        Matcher m = CODE_NAME.matcher(doc);
        int named = 0;
        while (m.find()) {
            String cls = m.group(2) != null ? m.group(2) : m.group(3);
            if (NOT_OURS.contains(cls)) {
                continue;
            }
            named++;
            Path file = m.group(1) != null
                    ? Path.of("src/main/java/dev/toploras", m.group(1), cls + ".java")
                    : findSource(cls);
            if (file == null || !Files.exists(file)) {
                missing.add(m.group());
            } else if (m.group(4) != null && !Files.readString(file).contains(m.group(4))) {
                missing.add(m.group() + " (no " + m.group(4) + " in " + file + ")");
            }
        }
        Matcher flows = Pattern.compile("`(?:routes/)?([a-z0-9-]+\\.camel\\.yaml)`").matcher(doc);
        while (flows.find()) {
            named++;
            if (!Files.exists(Path.of("routes", flows.group(1)))) {
                missing.add(flows.group());
            }
        }
        assertThat(named).as("names checked").isGreaterThan(50);
        assertThat(missing).isEmpty();
    }

    private static Path findSource(String cls) throws IOException {
        for (String root : List.of("src/main/java", "src/test/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                Path found = files.filter(f -> f.getFileName().toString().equals(cls + ".java")).findFirst().orElse(null);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Capitalised words of the picture that are not our types: a service, a broker, an HTTP method, Java's Map. */
    static final List<String> PICTURE_WORDS = List.of("ModelScope", "Artemis", "POST", "LoRA", "Map");

    /**
     * The picture at the top of docs/architecture.md names types and flows: each capitalised name is a class, record
     * or enum of src/main, and each hyphenated name occurs in a bundled route file (a route id or a file's name).
     */
    @Test
    void should_draw_only_types_and_flows_that_exist_in_the_architecture_picture() throws IOException {
        String doc = Files.readString(Path.of("docs/architecture.md"));
        int from = doc.indexOf("## The shape in one picture");
        assertThat(from).as("the picture's heading").isNotNegative();
        int open = doc.indexOf("```", from);
        String picture = doc.substring(open + 3, doc.indexOf("```", open + 3));
        StringBuilder main = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                main.append(Files.readString(f));
            }
        }
        StringBuilder routes = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                routes.append(f.getFileName()).append('\n').append(Files.readString(f));
            }
        }
        List<String> missing = new ArrayList<>();
        Matcher types = Pattern.compile("\\b[A-Z][A-Za-z0-9]+\\b").matcher(picture);
        int named = 0;
        while (types.find()) {
            String t = types.group();
            if (!PICTURE_WORDS.contains(t)) {
                named++;
                if (!Pattern.compile("\\b(class|record|enum|interface) " + t + "\\b").matcher(main).find()) {
                    missing.add(t);
                }
            }
        }
        Matcher flows = Pattern.compile("(?<![-/.\\w])[a-z][a-z0-9]*(?:-[a-z0-9]+)+\\b").matcher(picture);
        while (flows.find()) {
            named++;
            if (routes.indexOf(flows.group()) < 0) {
                missing.add(flows.group());
            }
        }
        assertThat(named).as("names in the picture").isGreaterThan(30);
        assertThat(missing).isEmpty();
    }
}
