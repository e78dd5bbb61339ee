package dev.toploras.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.runtime.TopLorasRuntime;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.camel.builder.NotifyBuilder;

/**
 * Not a test: drops N job files at once and measures until every job is terminal. Phase 1 uses the local preview
 * processor; phase 2 a remote stub that answers every call after a fixed latency and records the most calls in
 * flight at once, which must never exceed generation.concurrent-consumers.
 * <p>
 * {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.toploras.bench.GenerationBenchmark -Dexec.args="1000 20 4"} (jobs, stub latency ms,
 * consumers for the remote phase).
 */
public final class GenerationBenchmark {
    public static void main(String[] args) throws Exception {
        // The JDK HttpServer stub otherwise leaves Nagle on: each reply then waits ~40 ms for a delayed ACK, which
        // measured the stub, not the product (18.5 jobs/s remote before, see docs/benchmarks.md).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int latencyMs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int consumers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        System.out.printf("cores %d, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        run("local preview, 2 consumers", jobs, "local", Map.of("generation.concurrent-consumers", "2"), null);
        Stub stub = new Stub(latencyMs);
        try {
            run("remote stub " + latencyMs + " ms/call, " + consumers + " consumers", jobs, "remote", Map.of(
                    "generation.concurrent-consumers", String.valueOf(consumers),
                    "modelscope.inference-url", stub.url(),
                    "generation.poll-interval", "10"), stub);
        } finally {
            stub.stop();
        }
        System.exit(0);
    }

    private static void run(String name, int jobs, String backend, Map<String, String> extra, Stub stub)
            throws Exception {
        Path dir = Files.createTempDirectory("toploras-bench");
        Home home = new Home(dir);
        Map<String, String> config = new HashMap<>(Map.of("runtime.serve", "true", "inbox.read-lock-min-age", "100",
                "inbox.poll-delay", "100", "generation.queue-size", String.valueOf(jobs)));
        config.put("server.port", String.valueOf(dev.toploras.support.Http.freePort())); // 8080 may be taken
        config.putAll(extra);
        try (TopLorasRuntime runtime = TopLorasRuntime.start(home, config, () -> Optional.of("bench-token"),
                Clock.systemUTC())) {
            NotifyBuilder done = new NotifyBuilder(runtime.context()).fromRoute("generation-run").whenDone(jobs)
                    .create();
            Path staging = Files.createDirectories(dir.resolve("staging"));
            Files.createDirectories(home.inbox());
            for (int i = 0; i < jobs; i++) {
                String id = String.format("bench-%05d", i);
                Files.writeString(staging.resolve(id + ".json"), jobFile(id, i, backend), StandardCharsets.UTF_8);
            }
            long start = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                String f = String.format("bench-%05d.json", i);
                Files.move(staging.resolve(f), home.inbox().resolve(f));
            }
            boolean all = done.matches(10, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            JobStore store = new JobStore(home, Json.mapper(), Clock.systemUTC());
            int succeeded = 0;
            for (int i = 0; i < jobs; i++) {
                Optional<JobDocument> d = store.find(String.format("bench-%05d", i));
                if (d.isPresent() && d.get().status() == JobStatus.SUCCEEDED) {
                    succeeded++;
                }
            }
            System.out.printf("%s: %d jobs, all terminal %s in %.2f s, %.1f jobs/s, succeeded %d, lost %d, "
                            + "peak RSS %d MB%s%n", name, jobs, all, seconds, jobs / seconds, succeeded,
                    jobs - succeeded, peakRssMb(),
                    stub == null ? "" : ", max in-flight calls " + stub.maxInFlight.get() + " (consumers "
                            + config.get("generation.concurrent-consumers") + ")");
        }
    }

    /** One benchmark job request, as a user would drop it into the inbox. */
    static String jobFile(String id, int i, String backend) {
        return "{\"job_id\":\"" + id + "\",\"task\":\"text-to-image-synthesis\",\"model_id\":\"Qwen/Qwen-Image\","
                + "\"params\":{\"prompt\":\"benchmark job " + i + "\",\"size\":\"512x512\",\"seed\":" + i + "},"
                + "\"backend\":\"" + backend + "\"}";
    }

    private static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    /** API-Inference in miniature: submit, an immediately finished task, one image; each call after a delay. */
    static final class Stub {
        final HttpServer server;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final int latencyMs;
        final byte[] png;

        Stub(int latencyMs) throws IOException {
            this.latencyMs = latencyMs;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY), "png", out);
            png = out.toByteArray();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newFixedThreadPool(32));
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void handle(HttpExchange x) throws IOException {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(latencyMs);
                String path = x.getRequestURI().getPath();
                byte[] body;
                String type = "application/json";
                if (path.startsWith("/v1/images/generations")) {
                    body = ("{\"task_status\":\"SUCCEED\",\"task_id\":\"t-" + System.nanoTime() + "\"}").getBytes();
                } else if (path.startsWith("/v1/tasks/")) {
                    body = ("{\"task_status\":\"SUCCEED\",\"output_images\":[\"" + url() + "/img/x.png\"]}")
                            .getBytes();
                } else {
                    body = png;
                    type = "image/png";
                }
                x.getResponseHeaders().add("Content-Type", type);
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
                x.close();
            }
        }

        void stop() {
            server.stop(0);
        }
    }
}
