package dev.toploras.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/top-loras, run for real by sh on a stand-in jar (EchoMain prints the JVM flags it got): the flags per command,
 * the class-data-sharing archive made on the first fetch and used after, remade when the jar changes, and never a
 * failure or a message of its own when the archive is missing or broken.
 */
class LauncherTest {
    static final Path LAUNCHER = Paths.get("bin/top-loras").toAbsolutePath();

    @TempDir
    Path dir;
    Path jar;

    @BeforeAll
    static void needsSh() {
        assumeTrue(!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows"),
                "bin/top-loras is a POSIX sh script");
    }

    @BeforeEach
    void standInJar() throws IOException {
        jar = dir.resolve("top-loras.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, EchoMain.class.getName());
        String entry = EchoMain.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream cls = EchoMain.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            cls.transferTo(out);
            out.closeEntry();
        }
        // An archive records the jar's time; make the jar clearly older than anything written next.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    }

    /** {@code other}: stdout lines that are neither a flag nor an argument, such as a JVM warning. */
    record Run(int exit, List<String> jvm, List<String> args, List<String> other, String stderr) {
        boolean flag(String prefix) {
            return jvm.stream().anyMatch(f -> f.startsWith(prefix));
        }
    }

    Run launch(String cds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("TOP_LORAS_JAR", jar.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("TOP_LORAS_JAVA_OPTS");
        if (cds == null) {
            pb.environment().remove("TOP_LORAS_CDS");
        } else {
            pb.environment().put("TOP_LORAS_CDS", cds);
        }
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        List<String> lines = Files.readAllLines(out);
        return new Run(p.exitValue(),
                lines.stream().filter(l -> l.startsWith("jvm ")).map(l -> l.substring(4)).toList(),
                lines.stream().filter(l -> l.startsWith("arg ")).map(l -> l.substring(4)).toList(),
                lines.stream().filter(l -> !l.startsWith("jvm ") && !l.startsWith("arg ")).toList(),
                Files.readString(err));
    }

    List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    @Test
    void should_run_one_shot_commands_on_c1_with_the_serial_gc_and_a_small_heap() throws Exception {
        Run run = launch("off", "--home", "serve", "--set", "a=b", "status", "job-1");

        assertThat(run.jvm()).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms32m");
        assertThat(run.args()).as("arguments pass through untouched")
                .containsExactly("--home", "serve", "--set", "a=b", "status", "job-1");
    }

    @Test
    void should_keep_the_server_defaults_for_serve() throws Exception {
        Run run = launch("off", "--home", "/tmp/x", "serve");

        assertThat(run.jvm()).noneMatch(f -> f.startsWith("-XX:TieredStopAtLevel") || f.startsWith("-Xmx"));
        assertThat(run.args()).containsExactly("--home", "/tmp/x", "serve");
    }

    @Test
    void should_keep_the_server_defaults_for_a_worker_which_runs_as_long_as_serve() throws Exception {
        Run run = launch("off", "--set", "broker.url=tcp://a:61616", "worker", "--name", "gpu-b");

        assertThat(run.jvm()).noneMatch(f -> f.startsWith("-XX:TieredStopAtLevel") || f.startsWith("-Xmx"));
        assertThat(run.args()).containsExactly("--set", "broker.url=tcp://a:61616", "worker", "--name", "gpu-b");
    }

    @Test
    void should_make_an_archive_on_the_first_fetch_and_use_it_after() throws Exception {
        Run first = launch(null, "fetch", "--limit", "5");
        assertThat(first.flag("-XX:ArchiveClassesAtExit=")).isTrue();
        assertThat(archives()).hasSize(1);
        assertThat(first.other()).isEmpty();
        assertThat(first.stderr()).isEmpty();

        Run second = launch(null, "fetch");
        Run other = launch(null, "trends");

        assertThat(second.flag("-XX:SharedArchiveFile=" + archives().get(0))).isTrue();
        assertThat(second.flag("-XX:ArchiveClassesAtExit")).isFalse();
        assertThat(other.flag("-XX:SharedArchiveFile=" + archives().get(0))).as("other one-shot commands share it")
                .isTrue();
        assertThat(dir.toFile().list()).noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void should_remake_the_archive_when_the_jar_is_newer() throws Exception {
        launch(null, "fetch");
        Path archive = archives().get(0);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 5_000));

        Run stale = launch(null, "trends");
        Run remade = launch(null, "fetch");

        assertThat(stale.flag("-XX:SharedArchiveFile")).as("a stale archive is not used").isFalse();
        assertThat(remade.flag("-XX:ArchiveClassesAtExit=")).isTrue();
    }

    @Test
    void should_neither_fail_nor_print_when_the_jvm_refuses_the_archive() throws Exception {
        launch(null, "fetch");
        // A jar put back with an older time (cp -p, an unpacked release): the launcher takes the archive as fresh,
        // the JVM sees another jar and refuses it, with a warning unless told to keep quiet.
        standInJar();

        assertQuietWithArchive(launch(null, "fetch", "--exit", "0"));
    }

    @Test
    void should_neither_fail_nor_print_when_the_archive_is_garbage() throws Exception {
        launch(null, "fetch");
        Path archive = archives().get(0);
        archive.toFile().setWritable(true);
        Files.write(archive, "not an archive".getBytes());

        assertQuietWithArchive(launch(null, "fetch", "--exit", "0"));
    }

    /** The run was offered the archive, succeeded, and printed nothing of its own about it. */
    static void assertQuietWithArchive(Run run) {
        assertThat(run.flag("-XX:SharedArchiveFile=")).isTrue();
        assertThat(run.exit()).isZero();
        assertThat(run.other()).isEmpty();
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void should_pass_the_exit_code_through_whether_or_not_it_makes_an_archive() throws Exception {
        assertThat(launch(null, "fetch", "--exit", "3").exit()).as("making the archive").isEqualTo(3);
        assertThat(archives()).as("a failed fetch keeps no archive: it may have stopped early").isEmpty();
        launch(null, "fetch");
        assertThat(launch(null, "fetch", "--exit", "4").exit()).as("using it").isEqualTo(4);
        assertThat(launch("off", "status", "--exit", "8").exit()).as("without").isEqualTo(8);
    }

    @Test
    void should_not_train_an_archive_on_a_help_or_version_run() throws Exception {
        Run help = launch(null, "fetch", "--help");
        Run version = launch(null, "--version", "fetch");

        assertThat(help.flag("-XX:ArchiveClassesAtExit")).isFalse();
        assertThat(version.flag("-XX:ArchiveClassesAtExit")).isFalse();
        assertThat(archives()).isEmpty();
        assertThat(help.args()).containsExactly("fetch", "--help");
    }

    @Test
    void should_say_how_to_build_when_the_jar_is_missing() throws Exception {
        Files.delete(jar);

        Run run = launch(null, "--version");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("is missing", "mvn -q -DskipTests package", "TOP_LORAS_JAR");
    }
}
