package dev.toploras.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.AppProcess;
import dev.toploras.support.Images;
import dev.toploras.support.Listings;
import dev.toploras.support.Stubs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on `fetch`, as a terminal sends it: SIGINT to the process, in the middle of 40 slow cover downloads.
 */
class CtrlCProcessTest {
    WireMockServer wm;

    @TempDir
    Path home;

    @BeforeEach
    void stub() {
        wm = Stubs.wireMock();
        wm.stubFor(get(urlPathMatching("/fast/.*")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(Images.png(8, 8))));
        // a slow cover host: each cover takes 20 s
        wm.stubFor(get(urlPathMatching("/slow/.*")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(Images.png(8, 8)).withFixedDelay(20_000)));
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    void listing(String coverPath, long downloads) {
        List<ObjectNode> loras = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            loras.add(Listings.lora("studio", "lora-" + i, downloads - i,
                    "http://localhost:" + wm.port() + "/" + coverPath + "/" + i + ".png"));
        }
        wm.stubFor(put(urlPathMatching("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(40, loras))));
    }

    Process fetch() throws Exception {
        List<String> cmd = new ArrayList<>(SIGINT_AS_A_TERMINAL);
        cmd.addAll(AppProcess.command("fetch", "--home", home.toString(), "--base-url",
                "http://localhost:" + wm.port(), "--limit", "40", "--force-refresh", "--set", "retries.max=0"));
        return new ProcessBuilder(cmd).redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile()).start();
    }

    /**
     * A build started in the background (`mvn verify &` in a script) ignores SIGINT, and every process under it
     * inherits that, so the fetch would never see the Ctrl-C this test sends. coreutils' env puts SIGINT back to its
     * default, as a terminal's foreground job has it; where env cannot, the command runs as it is.
     */
    static final List<String> SIGINT_AS_A_TERMINAL = sigintAsATerminal();

    static List<String> sigintAsATerminal() {
        List<String> env = List.of("env", "--default-signal=INT");
        try {
            List<String> probe = new ArrayList<>(env);
            probe.add("true");
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? env : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Every file under cache/ but the run records (a run that was stopped is recorded as such), with its bytes. */
    Map<String, String> cacheTree() throws Exception {
        Map<String, String> tree = new TreeMap<>();
        Path cache = home.resolve("cache");
        try (Stream<Path> files = Files.walk(cache)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = cache.relativize(f).toString();
                if (!rel.startsWith("runs/")) {
                    tree.put(rel, java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(f))));
                }
            }
        }
        return tree;
    }

    @Test
    void should_stop_within_two_seconds_with_130_leaving_the_previous_cache_as_it_was_and_no_temp_files()
            throws Exception {
        listing("fast", 1000);
        Process first = fetch();
        assertThat(first.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as(Files.readString(home.resolve("stderr.txt"))).isZero();
        Map<String, String> before = cacheTree();
        assertThat(before).containsKey("top_loras_text-to-image-synthesis.json");

        listing("slow", 5000);
        Process second = fetch();
        await().atMost(Duration.ofSeconds(90)).until(() ->
                wm.findAll(getRequestedFor(urlPathMatching("/slow/.*"))).size() >= 4);
        long sent = System.nanoTime();
        new ProcessBuilder("kill", "-INT", String.valueOf(second.pid())).start().waitFor();
        assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long ms = (System.nanoTime() - sent) / 1_000_000;

        String stderr = Files.readString(home.resolve("stderr.txt"), StandardCharsets.UTF_8);
        assertThat(ms).as("exit after SIGINT in ms").isLessThan(2000);
        assertThat(second.exitValue()).as(stderr).isEqualTo(130);
        assertThat(stderr).contains("top-loras: fetch interrupted (Ctrl-C)", "the previous cache is unchanged")
                .doesNotContain("Exception");
        assertThat(cacheTree()).isEqualTo(before);
        try (Stream<Path> all = Files.walk(home)) {
            assertThat(all.map(Path::toString).filter(p -> p.endsWith(".tmp")).toList()).isEmpty();
        }
    }
}
