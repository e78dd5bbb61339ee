package dev.toploras.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.core.Home;
import dev.toploras.jobs.JobStatus;
import dev.toploras.runtime.TopLorasRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** The two things most tests start: a WireMock standing in for ModelScope, and the runtime serving on loopback. */
public final class Stubs {
    private Stubs() {
    }

    /** A started WireMock on a free loopback port. */
    public static WireMockServer wireMock() {
        WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        return wm;
    }

    /**
     * A JDK HTTP server on loopback, not yet started, for replies WireMock cannot give: bodies generated while they
     * stream (hundreds of MB) or dripped slowly. Its handler threads are daemons, so a reply still dripping never
     * holds the test JVM.
     */
    public static com.sun.net.httpserver.HttpServer jdkServer(String threadName) throws java.io.IOException {
        com.sun.net.httpserver.HttpServer s = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        s.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        }));
        return s;
    }

    /**
     * ModelScope's listing page (a PUT, as catalog.camel.yaml sends it; anything else gets a 404), answered only once
     * {@code release} is counted down, or after 30 s (below the http.timeout the tests that hold it set). Each PUT is
     * counted in {@code calls}. For tests that must see a refresh while it runs, in an order they fix, not by timing.
     */
    public static com.sun.net.httpserver.HttpHandler heldListing(byte[] page,
            java.util.concurrent.CountDownLatch release, java.util.concurrent.atomic.AtomicInteger calls) {
        return x -> {
            x.getRequestBody().readAllBytes();
            if (!"PUT".equals(x.getRequestMethod())) {
                x.sendResponseHeaders(404, -1);
                x.close();
                return;
            }
            calls.incrementAndGet();
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, page.length);
            try (java.io.OutputStream out = x.getResponseBody()) {
                out.write(page);
            }
        };
    }

    /** The runtime in `serve` mode on a free port, without a ModelScope token, and an HTTP client aimed at it. */
    public record Served(TopLorasRuntime runtime, Http http) {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final Set<String> TERMINAL = Arrays.stream(JobStatus.values()).filter(JobStatus::isTerminal)
                .map(JobStatus::wire).collect(Collectors.toUnmodifiableSet());

        /** The job's view from GET /api/v1/generate/{id} once its status is terminal (at most 20 s). */
        public JsonNode jobWhenEnded(String id) {
            return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> JSON.readTree(http.get("/api/v1/generate/" + id).body()),
                            j -> TERMINAL.contains(j.path("status").asText()));
        }
    }

    public static Served serve(Path home, Map<String, String> overrides) throws Exception {
        int port = Http.freePort();
        Map<String, String> props = new HashMap<>(overrides);
        props.put("runtime.serve", "true");
        props.put("server.port", String.valueOf(port));
        props.putIfAbsent("retries.initial-delay", "10");
        return new Served(TopLorasRuntime.start(new Home(home), props, Optional::empty, Clock.systemUTC()),
                new Http(port));
    }
}
