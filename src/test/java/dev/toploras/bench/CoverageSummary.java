package dev.toploras.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Line coverage of src/main from JaCoCo's CSV report, for the {@code coverage} profile of pom.xml
 * ({@code mvn -B verify -Pcoverage}). JaCoCo's HTML report has the figure but no build log does; issue 22 compares
 * it before and after a redesign, so the build prints it and leaves it beside the CSV as line-coverage.txt.
 *
 * <p>Column names are read from the CSV's header rather than assumed, so a JaCoCo upgrade that reorders them still
 * adds the right columns.
 */
public final class CoverageSummary {
    private CoverageSummary() {
    }

    public static void main(String[] args) throws IOException {
        Path csv = Paths.get(args.length > 0 ? args[0] : "target/site/jacoco/jacoco.csv");
        if (!Files.isRegularFile(csv)) {
            throw new IllegalStateException("No JaCoCo CSV at " + csv.toAbsolutePath()
                    + ": run the tests with the agent first (mvn -B verify -Pcoverage)");
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = List.of(lines.get(0).split(","));
        int missedColumn = header.indexOf("LINE_MISSED");
        int coveredColumn = header.indexOf("LINE_COVERED");
        if (missedColumn < 0 || coveredColumn < 0) {
            throw new IllegalStateException(csv + " has no LINE_MISSED/LINE_COVERED columns: " + header);
        }
        long missed = 0;
        long covered = 0;
        for (String row : lines.subList(1, lines.size())) {
            String[] cells = row.split(",");
            missed += Long.parseLong(cells[missedColumn]);
            covered += Long.parseLong(cells[coveredColumn]);
        }
        long total = missed + covered;
        String summary = String.format(Locale.ROOT, "Line coverage of src/main: %d of %d lines = %.1f%%%n",
                covered, total, total == 0 ? 0.0 : 100.0 * covered / total);
        System.out.print(summary);
        Path out = csv.resolveSibling("line-coverage.txt");
        Path temp = Files.createTempFile(csv.getParent(), "line-coverage", ".tmp");
        Files.writeString(temp, summary, StandardCharsets.UTF_8);
        Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
