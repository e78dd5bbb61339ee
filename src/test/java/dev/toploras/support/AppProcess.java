package dev.toploras.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The CLI as its own JVM, for what only a whole process shows (signals, stderr, exit). It runs what a user runs: the
 * packaged jar with the class-data-sharing archive the build trained for its kind of command, as bin/top-loras does
 * (the build packages and trains before the tests for this, pom.xml). That starts a one-shot command on about 1.5
 * instead of 2.8 CPU-seconds and a serve on 2.5 instead of 4.1 (docs/benchmarks.md). When the jar is missing or older
 * than target/classes (a test started from an IDE after an edit), the test class path instead, so a test never runs
 * old code.
 */
public final class AppProcess {
    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");
    private static final Path JAR = TARGET.resolve("top-loras.jar");
    /** The commands bin/top-loras gives the serve archive; every other command gets the one-shot archive. */
    private static final Set<String> LONG_RUNNING = Set.of("serve", "demo", "worker");
    private static Optional<Path> jar;

    private AppProcess() {
    }

    /** {@code java ... ARGS}, with the JVM flags bin/top-loras gives its short one-shot commands. */
    public static List<String> command(String... args) {
        return java(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"), args);
    }

    /** {@code java JVM_FLAGS ... ARGS}: the packaged jar and its archive when they are current, else the class path. */
    public static List<String> java(List<String> jvmFlags, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmFlags);
        Optional<Path> packaged = currentJar();
        if (packaged.isPresent()) {
            // The launcher's own switches: a refused archive (another JDK, a rebuilt jar) costs its benefit, no output.
            archive(Arrays.stream(args).anyMatch(LONG_RUNNING::contains)).ifPresent(a -> cmd.addAll(List.of(
                    "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-XX:SharedArchiveFile=" + a)));
            cmd.addAll(List.of("-jar", packaged.get().toString()));
        } else {
            cmd.addAll(List.of("-cp", classPath(), "dev.toploras.App"));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * This JVM's class path, for a child JVM: under surefire it is java.class.path; under exec:java (a benchmark) the
     * project's classes sit in the context class loader and java.class.path is Maven's launcher.
     */
    public static String classPath() {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader urls
                && urls.getURLs().length > 0) {
            return Arrays.stream(urls.getURLs()).map(u -> {
                try {
                    return Path.of(u.toURI()).toString();
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.joining(java.io.File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    private static synchronized Optional<Path> currentJar() {
        if (jar == null) {
            jar = Files.isRegularFile(JAR) && newest(TARGET.resolve("classes")).compareTo(modified(JAR)) <= 0
                    ? Optional.of(JAR.toAbsolutePath()) : Optional.empty();
        }
        return jar;
    }

    /** The newest archive of that kind beside the jar (the launcher names them top-loras-KEY[-serve].jsa). */
    private static Optional<Path> archive(boolean serve) {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith("top-loras-") && name.endsWith(".jsa") && name.endsWith("-serve.jsa") == serve;
            }).max(Comparator.comparing(AppProcess::modified)).map(Path::toAbsolutePath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime newest(Path dir) {
        if (!Files.isDirectory(dir)) {
            return FileTime.fromMillis(0);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(AppProcess::modified).max(Comparator.naturalOrder())
                    .orElse(FileTime.fromMillis(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
