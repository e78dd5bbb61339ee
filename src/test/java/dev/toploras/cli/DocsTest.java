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
}
