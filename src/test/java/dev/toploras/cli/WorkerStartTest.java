package dev.toploras.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.broker.BrokerSettings;
import dev.toploras.broker.EmbeddedBroker;
import dev.toploras.support.AppProcess;
import dev.toploras.support.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `worker` as its own JVM against a real embedded Artemis: what it cannot start with (a wrong password, no
 * broker.url, nothing listening) is one `top-loras:` line and exit 6 within seconds, never "taking jobs" and a retry
 * loop of stack dumps.
 */
class WorkerStartTest {
    private static final String PASSWORD = "right-pw-4c2e";
    @TempDir
    static Path brokerDir;
    static EmbeddedBroker broker;
    static int port;
    @TempDir
    Path home;

    @BeforeAll
    static void startBroker() {
        port = Http.freePort();
        broker = EmbeddedBroker.start(brokerDir, new BrokerSettings(true, "127.0.0.1", port, "", "loras", PASSWORD,
                3, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5), 0, 1));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    record Outcome(int exit, String stderr, Duration took) {
    }

    private Outcome worker(Map<String, String> env, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        all.add("worker");
        List<String> cmd = AppProcess.java(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m"),
                all.toArray(String[]::new));
        Path err = home.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(err.toFile());
        pb.environment().remove("BROKER_PASSWORD");
        pb.environment().remove("BROKER_URL");
        pb.environment().remove("BROKER_USER");
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        boolean ended = p.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(ended).as("worker still running after 30 s: " + Files.readString(err)).isTrue();
        return new Outcome(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8), took);
    }

    private static void assertOneLine(Outcome o) {
        assertThat(o.stderr().lines().toList()).as(o.stderr()).hasSize(1);
        assertThat(o.stderr()).startsWith("top-loras: ").doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("taking jobs");
    }

    @Test
    void should_exit_6_with_one_line_within_10_seconds_when_the_broker_password_is_wrong() throws Exception {
        Outcome o = worker(Map.of("BROKER_PASSWORD", "wrong-pw-9f"), "--set", "broker.url=tcp://127.0.0.1:" + port,
                "--set", "broker.user=loras");

        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCode.CONFIG);
        assertOneLine(o);
        assertThat(o.stderr()).contains("refused user 'loras'").contains("broker.password")
                .doesNotContain("wrong-pw-9f");
        assertThat(o.took()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void should_refuse_to_start_naming_broker_url_when_it_is_not_set() throws Exception {
        Outcome o = worker(Map.of("BROKER_PASSWORD", PASSWORD), "--set", "broker.user=loras");

        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCode.CONFIG);
        assertOneLine(o);
        assertThat(o.stderr()).contains("broker.url");
    }

    @Test
    void should_exit_6_with_one_line_within_10_seconds_when_nothing_listens_at_broker_url() throws Exception {
        Outcome o = worker(Map.of("BROKER_PASSWORD", PASSWORD), "--set", "broker.url=tcp://127.0.0.1:"
                + Http.freePort(), "--set", "broker.user=loras");

        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCode.CONFIG);
        assertOneLine(o);
        assertThat(o.stderr()).contains("cannot reach the broker");
        assertThat(o.took()).isLessThan(Duration.ofSeconds(10));
    }
}
