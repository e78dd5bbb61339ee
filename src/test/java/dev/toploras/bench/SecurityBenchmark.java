package dev.toploras.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import dev.toploras.support.Stubs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The figures issue 9 asks for, against one runtime in this JVM (so its heap is this heap): how many idle connections
 * stay open, heap after 100,000 distinct /web misses, health latency while 100 requests wait for their jobs, and how
 * many jobs 500 concurrent posts of one idempotency key create.
 *
 * <p>Run: {@code mvn -B -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.toploras.bench.SecurityBenchmark} ({@code -Dbench.idle=2000 -Dbench.misses=100000
 * -Dbench.waits=100 -Dbench.posts=500}).
 */
public final class SecurityBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int idle = Integer.getInteger("bench.idle", 2000);
        int misses = Integer.getInteger("bench.misses", 100_000);
        int waits = Integer.getInteger("bench.waits", 100);
        int posts = Integer.getInteger("bench.posts", 500);
        Path home = Files.createTempDirectory("security-bench");
        WireMockServer wm = Stubs.wireMock();
        // A remote task that stays RUNNING: jobs sent there never end, so their waits are held to the end.
        wm.stubFor(post(urlPathEqualTo("/v1/images/generations"))
                .willReturn(okJson("{\"task_status\":\"SUCCEED\",\"task_id\":\"t-slow\"}")));
        wm.stubFor(get(urlPathEqualTo("/v1/tasks/t-slow")).willReturn(okJson("{\"task_status\":\"RUNNING\"}")));
        int port = Http.freePort();
        try (TopLorasRuntime rt = TopLorasRuntime.start(new Home(home), Map.of("runtime.serve", "true",
                "server.port", String.valueOf(port), "modelscope.inference-url", wm.baseUrl(),
                "generation.poll-interval", "500", "camel.main.shutdown-timeout", "2"), Optional::empty,
                Clock.systemUTC())) {
            Http http = new Http(port);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            if (idle > 0) {
                idleConnections(port, idle, rt);
            }
            if (misses > 0) {
                webMisses(client, http, misses);
            }
            if (waits > 0) {
                healthWhileWaiting(client, http, waits);
            }
            if (posts > 0) {
                idempotentPosts(client, http, posts, home);
            }
        } finally {
            wm.stop();
        }
        System.exit(0);
    }

    /** Opens {@code n} connections that send nothing; counts how many the server still holds over time. */
    static void idleConnections(int port, int n, TopLorasRuntime rt) throws Exception {
        String cap = rt.context().resolvePropertyPlaceholders("{{server.max-connections}}");
        String header = rt.context().resolvePropertyPlaceholders("{{server.header-timeout}}");
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(1);
            sockets.add(s);
        }
        long t0 = System.nanoTime();
        for (double at : new double[] {1, 5, 12, 20}) {
            long until = t0 + (long) (at * 1e9);
            while (System.nanoTime() < until) {
                Thread.sleep(50);
            }
            int open = 0;
            for (Socket s : sockets) {
                open += isOpen(s) ? 1 : 0;
            }
            System.out.printf("idle connections: %d opened, %d still open after %.0f s (server.max-connections=%s, "
                    + "server.header-timeout=%s)%n", n, open, at, cap, header);
        }
        for (Socket s : sockets) {
            s.close();
        }
    }

    private static boolean isOpen(Socket s) {
        try {
            return s.getInputStream().read() != -1;
        } catch (SocketTimeoutException stillOpen) {
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** Used heap after a full GC, in MB. */
    static double heapMb() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return mem.getHeapMemoryUsage().getUsed() / 1e6;
    }

    /**
     * {@code n} GETs of distinct missing names, 16 in flight. No future is kept (100,000 of them would weigh more
     * than anything the server might hold): the permits say when all are answered.
     */
    private static int missRound(HttpClient client, Http http, String prefix, int n, int from) throws Exception {
        Semaphore inFlight = new Semaphore(16);
        java.util.concurrent.atomic.AtomicInteger notFound = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = from; i < from + n; i++) {
            inFlight.acquire();
            client.sendAsync(http.request("/web/" + prefix + i + ".js").GET().build(),
                    HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                        if (r != null && r.statusCode() == 404) {
                            notFound.incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(16);
        return notFound.get();
    }

    static void webMisses(HttpClient client, Http http, int n) throws Exception {
        missRound(client, http, "warm-", 10_000, 0); // JIT, connection pool and class loading settle first
        double before = heapMb();
        long t0 = System.nanoTime();
        int notFound = 0;
        int step = n / 4;
        StringBuilder series = new StringBuilder(String.format("%.1f", before));
        for (int done = 0; done < n; done += step) {
            notFound += missRound(client, http, "miss-", step, done);
            series.append(String.format(" / %.1f", heapMb()));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("web misses: %d distinct names, %d answered 404 in %d ms; used heap after GC (MB) at "
                + "0/25/50/75/100%%: %s%n", n, notFound, ms, series);
    }

    static void healthWhileWaiting(HttpClient client, Http http, int n) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String job = "{\"task\":\"text-to-image-synthesis\",\"model_id\":\"Qwen/Qwen-Image\",\"backend\":\"remote\","
                    + "\"params\":{\"prompt\":\"waiting " + i + "\",\"size\":\"64x64\",\"seed\":1}}";
            held.add(client.sendAsync(http.request("/api/v1/generate?wait=60").header("Content-Type",
                    "application/json").header("X-ModelScope-Token", "bench")
                    .POST(HttpRequest.BodyPublishers.ofString(job)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(2000); // let every wait arrive
        long stillWaiting = held.stream().filter(f -> !f.isDone()).count();
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long t0 = System.nanoTime();
            int status = http.get("/api/health").statusCode();
            ms.add((System.nanoTime() - t0) / 1_000_000);
            if (status != 200) {
                throw new IllegalStateException("health answered " + status);
            }
        }
        Collections.sort(ms);
        System.out.printf("health with %d waits posted (%d still held): p50 %d ms, p95 %d ms, max %d ms (50 calls)%n",
                n, stillWaiting, ms.get(24), ms.get(47), ms.get(49));
        held.forEach(f -> f.cancel(true));
    }

    static void idempotentPosts(HttpClient client, Http http, int n, Path home) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String job = "{\"task\":\"text-to-image-synthesis\",\"model_id\":\"Qwen/Qwen-Image\",\"backend\":\"local\","
                    + "\"idempotency_key\":\"bench-key\",\"params\":{\"prompt\":\"idempotent\",\"size\":\"64x64\"}}";
            calls.add(client.sendAsync(http.request("/api/v1/generate").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(job)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> ids = new HashSet<>();
        int accepted = 0;
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> r = c.get();
            accepted += r.statusCode() == 202 ? 1 : 0;
            ids.add(JSON.readTree(r.body()).path("job_id").asText());
        }
        long docs;
        try (var files = Files.walk(home.resolve("cache/outputs"), 2)) {
            docs = files.filter(p -> p.toString().endsWith(".json") && !p.toString().contains("/.keys/"))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("\"bench-key\"");
                        } catch (IOException e) {
                            return false;
                        }
                    }).count();
        }
        System.out.printf("idempotent posts: %d concurrent with one key, %d answered 202, %d distinct job ids, "
                + "%d job document(s) with the key%n", n, accepted, ids.size(), docs);
    }
}
