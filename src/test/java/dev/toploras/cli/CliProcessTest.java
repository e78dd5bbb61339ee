package dev.toploras.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.AppProcess;
import dev.toploras.support.Http;
import dev.toploras.support.Listings;
import dev.toploras.support.Stubs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as its own JVM (`java ... dev.toploras.App`), for what only a whole process shows: the log level chosen
 * from the command and --verbose, and the URL `serve` prints and answers on.
 */
class CliProcessTest {
    static WireMockServer wm;

    @TempDir
    Path home;

    @BeforeAll
    static void stub() {
        wm = Stubs.wireMock();
        wm.stubFor(put(urlPathMatching("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(1,
                List.of(Listings.lora("alice", "glow", 900, null))))));
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    ProcessBuilder java(String... args) {
        return new ProcessBuilder(AppProcess.command(args)).redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile());
    }

    String run(String... args) throws Exception {
        Process p = java(args).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(read("stderr.txt")).isZero();
        return read("stderr.txt");
    }

    String read(String name) throws IOException {
        Path f = home.resolve(name);
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    @Test
    void should_log_only_warnings_for_a_one_shot_command_unless_verbose() throws Exception {
        String base = "http://localhost:" + wm.port();

        String quiet = run("fetch", "--home", home.toString(), "--base-url", base, "--force-refresh");
        String verbose = run("fetch", "--home", home.toString(), "--base-url", base, "--force-refresh", "--verbose");

        assertThat(quiet).as(quiet).doesNotContain(" INFO ");
        assertThat(verbose).contains(" INFO ").contains("wrote cache/top_loras_text-to-image-synthesis.json");
    }

    @Test
    void should_print_the_url_it_listens_on_and_answer_there_when_serve_gets_port_and_home_after_the_command()
            throws Exception {
        int port = Http.freePort();
        Process p = java("serve", "--port", String.valueOf(port), "--home", home.toString(),
                "--set", "catalog.refresh-on-start=false").start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> read("stderr.txt").contains("(Ctrl-C to stop)"));
            String url = "http://127.0.0.1:" + port + "/";
            assertThat(read("stderr.txt")).contains("web page and API on " + url, "inbox inbox/");
            assertThat(new Http(port).get("/").body()).contains("Top-LoRAs");
            assertThat(home.resolve("inbox")).isDirectory();
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook stops the runtime
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void should_let_the_base_url_flag_win_over_the_environment_variable() throws Exception {
        ProcessBuilder pb = java("fetch", "--home", home.toString(), "--base-url", "http://localhost:" + wm.port(),
                "--force-refresh", "--set", "retries.max=0");
        pb.environment().put("MODELSCOPE_BASE_URL", "http://127.0.0.1:9");
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(read("stderr.txt")).isZero();
        assertThat(read("stdout.txt")).contains("alice/glow");
    }

    @Test
    void should_still_take_the_base_url_from_the_environment_over_the_properties_files() throws Exception {
        Files.writeString(home.resolve("application.properties"), "modelscope.base-url=http://127.0.0.1:9\n");
        ProcessBuilder pb = java("fetch", "--home", home.toString(), "--force-refresh", "--set", "retries.max=0");
        pb.environment().put("MODELSCOPE_BASE_URL", "http://localhost:" + wm.port());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(read("stderr.txt")).isZero();
    }
}
