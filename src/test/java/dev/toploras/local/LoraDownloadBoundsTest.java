package dev.toploras.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18.4: a LoRA download from a host that drips (1 byte every 2 s, never stalling long enough for a socket
 * timeout) ends: a cancel stops it within 2 s and leaves no .part, and local.lora-download-deadline ends it on its own.
 * The ModelScope side is a JDK HttpServer (WireMock cannot drip this slowly); its paths and listing are the
 * model-files API of modelscope/modelscope hub/api.py and hub/file_download.py, as in LocalStubs.
 */
class LoraDownloadBoundsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalStubs.Weight DRIP = LocalStubs.weight("painter/drip", "drip.safetensors", 70_000, 5);
    HttpServer modelScope;
    WireMockServer comfy;
    Stubs.Served served;

    @TempDir
    Path home;

    @BeforeEach
    void start() throws IOException {
        modelScope = Stubs.jdkServer("drip-server");
        String base = "/api/v1/models/" + DRIP.modelId() + "/repo";
        modelScope.createContext(base, this::answer);
        modelScope.start();
        comfy = Stubs.wireMock();
        LocalStubs.comfy(comfy, "p-drip", List.of(DRIP.storedName()), Images.png(64, 64),
                "comfyui/history_success.json");
    }

    void answer(HttpExchange x) throws IOException {
        if (x.getRequestURI().getPath().endsWith("/files")) {
            byte[] listing = LocalStubs.fixture("modelscope/model_files_lora.json").replace("${file}", DRIP.file())
                    .replace("${sha256}", DRIP.sha256()).replace("${size}", String.valueOf(DRIP.bytes().length))
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, listing.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(listing);
            }
            return;
        }
        x.getResponseHeaders().add("Content-Type", "application/octet-stream");
        x.sendResponseHeaders(200, DRIP.bytes().length);
        try (OutputStream out = x.getResponseBody()) {
            for (int i = 0; i < DRIP.bytes().length && i < 60; i++) {
                out.write(DRIP.bytes()[i]);
                out.flush();
                Thread.sleep(2000);
            }
        } catch (IOException | InterruptedException e) {
            // the client dropped the connection: what a cancel or a deadline must do
        }
    }

    @AfterEach
    void stop() {
        if (served != null) {
            served.runtime().close();
        }
        modelScope.stop(0);
        comfy.stop();
    }

    Map<String, String> config() {
        Map<String, String> m = LocalStubs.comfyConfig(comfy.baseUrl(),
                "http://127.0.0.1:" + modelScope.getAddress().getPort());
        m.put("local.timeout", "30s");
        return m;
    }

    static String job(String id) throws Exception {
        return JSON.writeValueAsString(Map.of("job_id", id, "task", "text-to-image-synthesis",
                "model_id", "stabilityai/stable-diffusion-xl-base-1.0", "loras", Map.of(DRIP.modelId(), 1.0),
                "params", Map.of("prompt", "rain", "size", "64x64", "seed", 1), "backend", "local"));
    }

    Path loras() {
        return home.resolve("loras");
    }

    boolean partPresent() throws IOException {
        if (!Files.isDirectory(loras())) {
            return false;
        }
        try (Stream<Path> s = Files.list(loras())) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".part"));
        }
    }

    @Test
    void should_stop_a_dripping_download_within_two_seconds_of_a_cancel_and_leave_no_part_file() throws Exception {
        served = Stubs.serve(home, config());
        served.http().post("/api/v1/generate", job("drip-1"));
        await().atMost(Duration.ofSeconds(20)).until(this::partPresent);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(Files.list(loras())
                .filter(p -> p.toString().endsWith(".part")).findFirst().orElseThrow()) > 0);

        long t0 = System.nanoTime();
        assertThat(served.http().post("/api/v1/generate/drip-1/cancel", "").statusCode()).isLessThan(300);
        JsonNode doc = await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> JSON.readTree(served.http().get("/api/v1/generate/drip-1").body()),
                        j -> "cancelled".equals(j.path("status").asText()));
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(ms).as("cancel to cancelled, ms").isLessThan(2000);
        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        await().atMost(Duration.ofSeconds(2)).until(() -> !partPresent());
        try (Stream<Path> s = Files.list(loras())) {
            assertThat(s.map(p -> p.getFileName().toString())).as("loras-dir after the cancel").isEmpty();
        }
    }

    @Test
    void should_fail_a_download_that_outlasts_local_lora_download_deadline() throws Exception {
        Map<String, String> cfg = config();
        cfg.put("local.lora-download-deadline", "3s");
        served = Stubs.serve(home, cfg);
        long t0 = System.nanoTime();

        served.http().post("/api/v1/generate", job("drip-2"));
        JsonNode doc = served.jobWhenEnded("drip-2");

        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(15_000);
        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("timeout");
        assertThat(doc.at("/error/message").asText()).contains("local.lora-download-deadline");
    }
}
