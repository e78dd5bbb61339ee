package dev.toploras.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The HTTP API under load (issue 4, "Measure"): N concurrent POST /api/v1/generate (local processor) all answered
 * and all jobs terminal; and how long after a transition its SSE event reaches a connected client (the event's
 * own timestamp, written at the transition, against the moment the client reads the line; same clock).
 *
 * <p>Run: {@code mvn -B -q -DskipTests package exec:java -Dexec.mainClass=dev.toploras.bench.ApiBenchmark}
 * ({@code -Dbench.posts=200 -Dbench.streams=20}).
 */
public final class ApiBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int posts = Integer.getInteger("bench.posts", 200);
        int streams = Integer.getInteger("bench.streams", 20);
        Path home = Files.createTempDirectory("api-bench");
        int port = Http.freePort();
        try (TopLorasRuntime rt = TopLorasRuntime.start(new Home(home), Map.of("runtime.serve", "true",
                "server.port", String.valueOf(port), "generation.queue-size", "5000"), Optional::empty,
                Clock.systemUTC())) {
            Http http = new Http(port);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 20; i++) { // warm-up, not counted
                http.post("/api/v1/generate?wait=10", job("warm-" + i));
            }

            long t0 = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, posts).mapToObj(i ->
                    client.sendAsync(http.request("/api/v1/generate").header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(job("load-" + i))).build(),
                            HttpResponse.BodyHandlers.ofString())).toList();
            int accepted = 0;
            for (CompletableFuture<HttpResponse<String>> c : calls) {
                accepted += c.get().statusCode() == 202 ? 1 : 0;
            }
            long answeredMs = (System.nanoTime() - t0) / 1_000_000;
            int terminal = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                terminal = JSON.readTree(http.get("/api/v1/jobs?q=load-&limit=1&status=succeeded").body())
                        .get("total").asInt();
                if (terminal == posts) {
                    break;
                }
                Thread.sleep(20);
            }
            long allDoneMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("concurrent POSTs: %d sent, %d answered 202 in %d ms; %d/%d jobs succeeded after %d ms"
                    + " (%.1f jobs/s)%n", posts, accepted, answeredMs, terminal, posts, allDoneMs,
                    posts * 1000.0 / allDoneMs);

            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < streams; i++) {
                String id = "sse-" + i;
                // the job is created first so the stream exists; its later transitions are what we time
                CompletableFuture<Void> done = CompletableFuture.runAsync(() -> follow(client, http.base(), id,
                        latencies));
                http.post("/api/v1/generate", job(id));
                done.get();
            }
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf("SSE delivery after the transition: %d events, p50 %d ms, p95 %d ms, max %d ms%n",
                    sorted.size(), pct(sorted, 50), pct(sorted, 95), sorted.get(sorted.size() - 1));
        }
    }

    /** Connects before the job exists (retrying 404 briefly), then times every event after the first. */
    private static void follow(HttpClient client, String base, String id, List<Long> latencies) {
        try {
            HttpResponse<java.util.stream.Stream<String>> r;
            do {
                r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/generate/" + id + "/events"))
                        .GET().build(), HttpResponse.BodyHandlers.ofLines());
                if (r.statusCode() == 404) {
                    Thread.sleep(2);
                }
            } while (r.statusCode() == 404);
            boolean first = true;
            for (String line : (Iterable<String>) r.body()::iterator) {
                if (line.startsWith("data: ")) {
                    Instant now = Instant.now();
                    JsonNode e = JSON.readTree(line.substring(6));
                    if (!first) {
                        latencies.add(Duration.between(Instant.parse(e.get("ts").asText()), now).toMillis());
                    }
                    first = false;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String job(String id) {
        return "{\"job_id\":\"" + id + "\",\"task\":\"text-to-image-synthesis\",\"model_id\":\"Qwen/Qwen-Image\","
                + "\"params\":{\"prompt\":\"bench " + id + "\",\"size\":\"256x256\"},\"backend\":\"local\"}";
    }
}
