package dev.toploras.generation;

import static dev.toploras.generation.GenerationHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.cli.ExitCode;
import dev.toploras.cli.TopLorasCommand;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime without MODELSCOPE_API_TOKEN, driven by the CLI (submit --wait, status, cancel). Its routing (auto jobs
 * render locally, remote jobs fail) is LocalOnlyRouteTest's.
 */
class LocalOnlyTest {
    @TempDir
    static Path dir;
    static TopLorasRuntime runtime;
    static Home home;

    @BeforeAll
    static void start() throws Exception {
        home = new Home(dir.resolve("home"));
        runtime = TopLorasRuntime.start(home, Map.of(
                "runtime.serve", "true",
                "server.port", String.valueOf(dev.toploras.support.Http.freePort()), // 8080 may be taken
                "modelscope.inference-url", "http://127.0.0.1:9",
                "inbox.read-lock-min-age", "50",
                "inbox.poll-delay", "50"), Optional::empty, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void should_submit_wait_and_show_status_from_the_cli() throws Exception {
        Path request = dir.resolve("job.json");
        Files.writeString(request, job("cli-1", "from the cli", "local").toString());

        assertThat(TopLorasCommand.run("--home", home.root().toString(), "submit", request.toString(), "--wait",
                "--timeout", "20s")).isEqualTo(ExitCode.OK);
        assertThat(TopLorasCommand.run("--home", home.root().toString(), "status", "cli-1")).isEqualTo(ExitCode.OK);
        assertThat(TopLorasCommand.run("--home", home.root().toString(), "status", "nope")).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(TopLorasCommand.run("--home", home.root().toString(), "cancel", "cli-1"))
                .isEqualTo(ExitCode.JOB_NOT_SUCCEEDED);
    }
}
