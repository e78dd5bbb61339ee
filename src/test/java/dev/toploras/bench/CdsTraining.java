package dev.toploras.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The class-data-sharing training run of {@code mvn package} (bound in pom.xml after the shaded jar is built): a real
 * {@code bin/top-loras fetch} of 100 LoRAs against the stub ModelScope of {@link CatalogBenchmark}, so the archive
 * the launcher writes at its exit holds whatever classes a fetch loads, whatever the flows look like inside.
 * It starts from an empty home without --force-refresh, so both the cache check that runs before Camel and the full
 * refresh are archived.
 *
 * <p>It never fails the build: without an archive the launcher runs the jar as it is, and it would make one on the
 * first fetch. Skipped with {@code -Dcds.skip=true} (and with {@code -Dmaven.test.skip=true}, as this class is a
 * test class), and on Windows, where the launcher is the .cmd twin without an archive.
 */
public final class CdsTraining {
    private static final int RECORDS = 100;
    private static final long TIMEOUT_SECONDS = 120;

    private CdsTraining() {
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        try {
            String outcome = train(Paths.get(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize());
            System.out.printf(Locale.ROOT, "[cds] %s (%.1f s)%n", outcome, (System.nanoTime() - t0) / 1e9);
        } catch (Exception | LinkageError e) {
            System.out.println("[cds] no class-data-sharing archive made (" + e
                    + "); bin/top-loras works without one and makes it on the first fetch");
        }
    }

    private static String train(Path project) throws Exception {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return "skipped on Windows: bin/top-loras.cmd runs without an archive";
        }
        Path launcher = project.resolve("bin/top-loras");
        Path jar = project.resolve("target/top-loras.jar");
        if (!Files.isRegularFile(launcher) || !Files.isRegularFile(jar)) {
            return "skipped: " + (Files.isRegularFile(jar) ? launcher : jar) + " is missing";
        }
        Path home = Files.createTempDirectory("top-loras-cds-");
        Path log = Files.createTempFile("top-loras-cds-", ".log");
        try (CatalogBenchmark.StubModelScope stub = CatalogBenchmark.StubModelScope.start()) {
            stub.serve(RECORDS);
            ProcessBuilder pb = new ProcessBuilder("sh", launcher.toString(), "--home", home.toString(), "fetch",
                    "--limit", Integer.toString(RECORDS), "--base-url", stub.baseUrl())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("TOP_LORAS_JAR", jar.toString());
            for (String name : List.of("MODELSCOPE_API_TOKEN", "TOP_LORAS_HOME", "TOP_LORAS_CDS",
                    "TOP_LORAS_JAVA_OPTS")) {
                pb.environment().remove(name);
            }
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "no archive: the training fetch took over " + TIMEOUT_SECONDS + " s";
            }
            if (p.exitValue() != 0) {
                return "no archive: the training fetch exited " + p.exitValue() + ": " + tail(log);
            }
        } finally {
            CatalogBenchmark.deleteTree(home);
            Files.deleteIfExists(log);
        }
        try (Stream<Path> archives = Files.list(jar.getParent())) {
            return archives.filter(f -> f.getFileName().toString().endsWith(".jsa"))
                    .filter(f -> !isOlder(f, jar))
                    .findFirst()
                    .map(f -> "archive " + project.relativize(f) + " (" + size(f) + ")")
                    .orElse("no archive beside the jar (a read-only target/? the launcher keeps it under ~/.cache)");
        }
    }

    private static boolean isOlder(Path f, Path than) {
        try {
            return Files.getLastModifiedTime(f).compareTo(Files.getLastModifiedTime(than)) < 0;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static String size(Path f) {
        return String.format(Locale.ROOT, "%.1f MB", f.toFile().length() / 1024.0 / 1024.0);
    }

    private static String tail(Path log) throws java.io.IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
