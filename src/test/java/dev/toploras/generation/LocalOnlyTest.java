package dev.toploras.generation;

import static dev.toploras.generation.GenerationHarness.awaitStatus;
import static dev.toploras.generation.GenerationHarness.drop;
import static dev.toploras.generation.GenerationHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.cli.ExitCode;
import dev.toploras.cli.TopLorasCommand;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A runtime without MODELSCOPE_API_TOKEN: auto jobs render locally, remote jobs fail; the CLI drives it. */
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
    void should_render_a_labelled_local_preview_when_there_is_no_token() throws Exception {
        drop(home, job("notoken-1", "a golden cat", "auto"));
        JsonNode doc = awaitStatus(home, "notoken-1", "succeeded");

        assertThat(doc.at("/meta/backend").asText()).isEqualTo("local-preview");
        assertThat(doc.at("/meta/notes/0/code").asText()).isEqualTo("FALLBACK_LOCAL");
        assertThat(doc.at("/meta/notes/0/details/reason").asText()).isEqualTo("no_token");
        BufferedImage png = ImageIO.read(home.root().resolve(doc.at("/result/0/data/url").asText()).toFile());
        assertThat(png.getWidth()).isEqualTo(128);
        assertThat(png.getHeight()).isEqualTo(96);
    }

    @Test
    void should_render_the_same_bytes_for_the_same_parameters() throws Exception {
        drop(home, job("same-1", "same prompt", "local"));
        drop(home, job("same-2", "same prompt", "local"));
        JsonNode a = awaitStatus(home, "same-1", "succeeded");
        JsonNode b = awaitStatus(home, "same-2", "succeeded");
        assertThat(Files.readAllBytes(home.root().resolve(a.at("/result/0/data/url").asText())))
                .isEqualTo(Files.readAllBytes(home.root().resolve(b.at("/result/0/data/url").asText())));
    }

    @Test
    void should_fail_a_remote_only_job_without_a_token() {
        drop(home, job("remote-1", "x", "remote"));
        JsonNode doc = awaitStatus(home, "remote-1", "failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("unauthorized");
        assertThat(doc.at("/error/message").asText()).contains("MODELSCOPE_API_TOKEN");
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
