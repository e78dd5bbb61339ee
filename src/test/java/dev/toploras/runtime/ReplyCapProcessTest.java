package dev.toploras.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toploras.support.AppProcess;
import dev.toploras.support.Http;
import dev.toploras.support.Listings;
import dev.toploras.support.Stubs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18.3 as the issue measured it: a listing reply of 300 MB of JSON to a runtime with -Xmx256m, in a JVM of its
 * own. The reply is streamed by a JDK HttpServer (chunked, generated as it goes: the test JVM never holds it). The
 * refresh must fail as upstream_rejected "reply larger than 32 MB" (CLI exit 4), and `serve` must stay up and run
 * the next refresh. The listing's shape is ModelScope's dolphin/models page (support/Listings).
 */
class ReplyCapProcessTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long HUGE = 300L * 1024 * 1024;
    HttpServer modelScope;
    final AtomicBoolean huge = new AtomicBoolean(true);
    final AtomicLong sent = new AtomicLong();
    Process process;

    @TempDir
    Path home;

    @BeforeEach
    void start() throws IOException {
        modelScope = Stubs.jdkServer("huge-listing");
        modelScope.createContext("/api/v1/dolphin/models", this::listing);
        modelScope.start();
    }

    void listing(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        x.getResponseHeaders().add("Content-Type", "application/json");
        if (!huge.get()) {
            byte[] page = Listings.page(1, List.of(Listings.lora("alice/glow", "glow", 900, null)))
                    .getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, page.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(page);
            }
            return;
        }
        x.sendResponseHeaders(200, 0); // chunked: no length to refuse up front, the cap must count
        byte[] record = ("{\"Path\":\"filler\",\"Name\":\"" + "x".repeat(1000) + "\"},")
                .getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = x.getResponseBody()) {
            out.write("{\"Code\":200,\"Data\":{\"Model\":{\"TotalCount\":1,\"Models\":[".getBytes(StandardCharsets.UTF_8));
            for (long n = 0; n < HUGE; n += record.length) {
                out.write(record);
                sent.addAndGet(record.length);
            }
            out.write("{}]}},\"Success\":true}".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the client stopped reading: what the cap is for
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        modelScope.stop(0);
    }

    String base() {
        return "http://127.0.0.1:" + modelScope.getAddress().getPort();
    }

    ProcessBuilder java(String... args) {
        List<String> cmd = AppProcess.java(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1"),
                args);
        return new ProcessBuilder(cmd).redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile());
    }

    String stderr() throws IOException {
        Path f = home.resolve("stderr.txt");
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    @Test
    void should_fail_a_fetch_with_exit_4_when_the_listing_reply_is_300_mb_and_the_heap_256_mb() throws Exception {
        process = java("fetch", "--home", home.toString(), "--base-url", base(), "--force-refresh").start();

        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(stderr()).isEqualTo(4);
        assertThat(stderr()).contains("reply larger than 32 MB").doesNotContain("OutOfMemoryError");
        assertThat(sent.get()).as("bytes the server got out before the client stopped").isLessThan(HUGE);
    }

    @Test
    void should_fail_the_refresh_and_run_the_next_one_when_serve_gets_a_300_mb_listing_with_256_mb_heap()
            throws Exception {
        int port = Http.freePort();
        process = java("serve", "--port", String.valueOf(port), "--home", home.toString(),
                "--set", "catalog.refresh-on-start=false", "--set", "modelscope.base-url=" + base(),
                "--set", "retries.initial-delay=10").start();
        await().atMost(Duration.ofSeconds(90)).until(() -> stderr().contains("(Ctrl-C to stop)"));
        Http http = new Http(port);

        JsonNode first = refresh(http);
        assertThat(first.path("state").asText()).as(first.toString()).isEqualTo("failed");
        assertThat(first.toString()).contains("upstream_rejected").contains("reply larger than 32 MB");

        huge.set(false);
        JsonNode second = refresh(http);
        assertThat(second.path("state").asText()).as(second.toString()).startsWith("completed");
        assertThat(http.get("/api/health").statusCode()).isEqualTo(200);
        assertThat(process.isAlive()).isTrue();
        assertThat(stderr()).doesNotContain("OutOfMemoryError");
    }

    static JsonNode refresh(Http http) {
        var posted = http.post("/api/v1/refresh", "");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String runId;
        try {
            runId = JSON.readTree(posted.body()).path("run_id").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(http.get("/api/v1/runs/" + runId).body()),
                        r -> !"running".equals(r.path("state").asText()));
    }
}
