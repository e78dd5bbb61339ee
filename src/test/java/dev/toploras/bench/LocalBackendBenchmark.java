package dev.toploras.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.runtime.TopLorasRuntime;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;

/**
 * Not a test: N local jobs with one LoRA through a stub backend whose render takes a fixed time, at 2 consumers.
 * Per job, the overhead is the time the worker held the job (started_at to completed_at) minus the time the stub
 * spent on it (from the render request to its reply; for ComfyUI, from /prompt until the history shows it done).
 * The first job downloads the LoRA from a ModelScope files stub; the rest reuse it (their listing call is counted).
 * <p>
 * {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.toploras.bench.LocalBackendBenchmark -Dexec.args="50 200 a1111"} (jobs, render ms,
 * a1111|comfyui|both).
 */
public final class LocalBackendBenchmark {
    static final ObjectMapper JSON = Json.mapper();
    static final String LORA_ID = "bench/ink-wash";

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int renderMs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String which = args.length > 2 ? args[2] : "both";
        System.out.printf("cores %d, %d jobs, render %d ms, 2 consumers%n",
                Runtime.getRuntime().availableProcessors(), jobs, renderMs);
        if (!which.equals("comfyui")) {
            run("a1111", jobs, renderMs);
        }
        if (!which.equals("a1111")) {
            run("comfyui", jobs, renderMs);
        }
        System.exit(0);
    }

    static void run(String backend, int jobs, int renderMs) throws Exception {
        Stub stub = new Stub(renderMs);
        Path dir = Files.createTempDirectory("toploras-local-bench");
        Map<String, String> config = new java.util.HashMap<>(Map.of("runtime.serve", "true",
                "server.port", String.valueOf(freePort()), "generation.concurrent-consumers", "2",
                "local.backend", backend, "local.comfyui.url", stub.url(), "local.a1111.url", stub.url(),
                "modelscope.base-url", stub.url(),
                // ComfyUI's end is seen at the next look, so its interval is latency; A1111's look is only progress.
                "local.poll-interval", backend.equals("comfyui") ? "10" : "500",
                "local.checkpoints", "bench/base=base.safetensors"));
        config.put("generation.queue-size", String.valueOf(jobs));
        try (TopLorasRuntime rt = TopLorasRuntime.start(new Home(dir), config, Optional::empty, Clock.systemUTC())) {
            long start = System.nanoTime();
            var http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + config.get("server.port");
            for (int i = 0; i < jobs; i++) {
                String body = "{\"job_id\":\"lb-" + i + "\",\"task\":\"text-to-image-synthesis\",\"model_id\":"
                        + "\"bench/base\",\"loras\":{\"" + LORA_ID + "\":1.0},\"params\":{\"prompt\":\"job lb-" + i
                        + "\",\"size\":\"64x64\",\"seed\":" + i + "},\"backend\":\"local\"}";
                http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1/generate"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
            }
            // The job files are the truth: wait until every one is terminal (a few reads per second, off the workers).
            Path outputs = dir.resolve("cache/outputs/text-to-image-synthesis");
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            for (int i = 0; i < jobs; i++) {
                Path f = outputs.resolve("lb-" + i + ".json");
                while (!terminal(f)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("job lb-" + i + " did not finish");
                    }
                    Thread.sleep(20);
                }
            }
            double wall = (System.nanoTime() - start) / 1e9;
            List<Long> overhead = new ArrayList<>();
            int failed = 0;
            for (int i = 0; i < jobs; i++) {
                JsonNode doc = JSON.readTree(dir.resolve("cache/outputs/text-to-image-synthesis/lb-" + i + ".json")
                        .toFile());
                if (!"succeeded".equals(doc.path("status").asText())) {
                    failed++;
                    System.out.println("  failed: " + doc.path("error"));
                    continue;
                }
                long held = Duration.between(Instant.parse(doc.path("started_at").asText()),
                        Instant.parse(doc.path("completed_at").asText())).toMillis();
                overhead.add(held - stub.spent.getOrDefault("job lb-" + i, 0L));
            }
            overhead.sort(null);
            System.out.printf("%-8s wall %.2f s (ideal %.2f s), failed %d, overhead per job: median %d ms, p90 %d ms,"
                            + " max %d ms (first job includes the LoRA download)%n", backend, wall,
                    jobs / 2.0 * renderMs / 1000.0, failed, overhead.get(overhead.size() / 2),
                    overhead.get((int) (overhead.size() * 0.9)), overhead.get(overhead.size() - 1));
        } finally {
            stub.stop();
        }
    }

    static boolean terminal(Path f) {
        try {
            String s = JSON.readTree(f.toFile()).path("status").asText();
            return s.equals("succeeded") || s.equals("failed") || s.equals("cancelled");
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** ModelScope files API + A1111 + ComfyUI in one JDK HttpServer; renders take {@code renderMs}. */
    static final class Stub {
        final HttpServer server;
        final int renderMs;
        final byte[] lora = new byte[200_000];
        final String sha;
        final String png;
        final Map<String, Long> spent = new ConcurrentHashMap<>();
        final Map<String, long[]> prompts = new ConcurrentHashMap<>();
        final Map<String, String> promptJob = new ConcurrentHashMap<>();

        Stub(int renderMs) throws Exception {
            this.renderMs = renderMs;
            new Random(1).nextBytes(lora);
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(lora));
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            png = Base64.getEncoder().encodeToString(out.toByteArray());
            byte[] pngBytes = out.toByteArray();
            String stored = "ink-wash-" + sha.substring(0, 12);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.createContext("/api/v1/models/" + LORA_ID + "/repo/files", ex -> send(ex, 200,
                    "{\"Code\":200,\"Data\":{\"Files\":[{\"Name\":\"ink-wash.safetensors\",\"Path\":\"ink-wash.safetensors\","
                            + "\"Type\":\"blob\",\"Size\":" + lora.length + ",\"Sha256\":\"" + sha + "\"}]},\"Success\":true}"));
            server.createContext("/api/v1/models/" + LORA_ID + "/repo", ex -> send(ex, 200, lora, "application/octet-stream"));
            server.createContext("/sdapi/v1/loras", ex -> send(ex, 200, "[{\"name\":\"" + stored + "\",\"alias\":\""
                    + stored + "\",\"path\":\"x\",\"metadata\":{}}]"));
            server.createContext("/sdapi/v1/refresh-loras", ex -> send(ex, 200, "null"));
            // The checks before a render: the names of src/test/resources/a1111 (their README gives the source),
            // a checkpoint called base.safetensors, and this job's task running (modules/progress.py).
            server.createContext("/internal/progress", ex -> send(ex, 200,
                    dev.toploras.local.LocalStubs.fixture("a1111/internal_progress_active.json")));
            server.createContext("/sdapi/v1/samplers", ex -> send(ex, 200,
                    dev.toploras.local.LocalStubs.fixture("a1111/samplers.json")));
            server.createContext("/sdapi/v1/schedulers", ex -> send(ex, 200,
                    dev.toploras.local.LocalStubs.fixture("a1111/schedulers.json")));
            server.createContext("/sdapi/v1/sd-models", ex -> send(ex, 200, "[{\"title\":\"base.safetensors [0123456789]\","
                    + "\"model_name\":\"base\",\"hash\":\"0123456789\",\"sha256\":null,\"filename\":\"base.safetensors\"}]"));
            // ComfyUI's captured lists (comfyui/captured), its checkpoint list naming base.safetensors.
            server.createContext("/object_info/KSampler", ex -> send(ex, 200,
                    dev.toploras.local.LocalStubs.captured("object_info_KSampler.json").toString()));
            com.fasterxml.jackson.databind.JsonNode loader =
                    dev.toploras.local.LocalStubs.captured("object_info_CheckpointLoaderSimple.json");
            ((com.fasterxml.jackson.databind.node.ArrayNode) loader.at("/CheckpointLoaderSimple/input/required/ckpt_name/0"))
                    .removeAll().add("base.safetensors");
            server.createContext("/object_info/CheckpointLoaderSimple", ex -> send(ex, 200, loader.toString()));
            server.createContext("/sdapi/v1/txt2img", ex -> {
                long t = System.nanoTime();
                JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
                sleep(renderMs);
                send(ex, 200, "{\"images\":[\"" + png + "\"],\"parameters\":{},\"info\":\"{\\\"seed\\\": "
                        + req.path("seed").asLong() + "}\"}");
                spent.put(req.path("prompt").asText().replaceAll(" <lora:.*", ""), (System.nanoTime() - t) / 1_000_000);
            });
            server.createContext("/models/loras", ex -> send(ex, 200, "[\"" + stored + ".safetensors\"]"));
            server.createContext("/prompt", ex -> {
                JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
                String id = java.util.UUID.randomUUID().toString();
                prompts.put(id, new long[] {System.nanoTime()});
                promptJob.put(id, req.at("/prompt/6/inputs/text").asText());
                send(ex, 200, "{\"prompt_id\":\"" + id + "\",\"number\":0,\"node_errors\":{}}");
            });
            server.createContext("/queue", ex -> send(ex, 200, "{\"queue_running\":[],\"queue_pending\":[]}"));
            server.createContext("/history/", ex -> {
                String id = ex.getRequestURI().getPath().substring("/history/".length());
                long[] t = prompts.get(id);
                long age = (System.nanoTime() - t[0]) / 1_000_000;
                if (age < renderMs) {
                    send(ex, 200, "{}");
                    return;
                }
                // The backend's own time: until the first look that could see it done.
                spent.putIfAbsent(promptJob.get(id), (long) renderMs);
                send(ex, 200, "{\"" + id + "\":{\"outputs\":{\"9\":{\"images\":[{\"filename\":\"a.png\",\"subfolder\":\"\","
                        + "\"type\":\"output\"}]}},\"status\":{\"status_str\":\"success\",\"completed\":true,\"messages\":[]}}}");
            });
            server.createContext("/view", ex -> send(ex, 200, pngBytes, "image/png"));
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
        }

        static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void send(HttpExchange ex, int status, String body) throws IOException {
            send(ex, status, body.getBytes(StandardCharsets.UTF_8), "application/json");
        }

        static void send(HttpExchange ex, int status, byte[] body, String type) throws IOException {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, body.length);
            try (var out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
