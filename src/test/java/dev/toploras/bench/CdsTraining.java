package dev.toploras.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The class-data-sharing training runs of {@code mvn package} (bound in pom.xml after the shaded jar is built), both
 * through {@code bin/top-loras} with {@code TOP_LORAS_CDS=make} against the stub ModelScope of
 * {@link CatalogBenchmark}, so each archive holds whatever classes its kind of command loads, whatever the flows
 * look like inside:
 * <ul>
 *   <li>one-shot: a real {@code fetch --limit 100} from an empty home without --force-refresh, so both the cache
 *       check that runs before Camel and the full refresh are archived;</li>
 *   <li>serve: start, {@code GET /api/health}, a refresh over {@code POST /api/v1/refresh} followed to its end,
 *       {@code GET /api/v1/models}, then SIGTERM (the JVM writes the archive as it exits).</li>
 * </ul>
 *
 * <p>It never fails the build: without an archive the launcher runs the jar as it is (and makes the one-shot archive
 * on the first fetch). Skipped with {@code -Dcds.skip=true} (and with {@code -Dmaven.test.skip=true}, as this is a
 * test class), and on Windows, where bin/top-loras.cmd runs without an archive.
 */
public final class CdsTraining {
    private static final int RECORDS = 100;
    private static final long TIMEOUT_SECONDS = 120;
    private static final Pattern RUN_ID = Pattern.compile("\"run_id\"\\s*:\\s*\"([^\"]+)\"");

    private CdsTraining() {
    }

    public static void main(String[] args) {
        Path project = Paths.get(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        // Side by side, serve (the longer) first: most of a training is one thread, the JVM writing its archive at
        // exit, so two overlap on two cores (15.3 s one after the other, 13.3 s side by side).
        List<Thread> runs = List.of(new Thread(() -> report(project, "serve"), "cds-serve"),
                new Thread(() -> report(project, "fetch"), "cds-fetch"));
        runs.forEach(Thread::start);
        for (Thread t : runs) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void report(Path project, String kind) {
        long t0 = System.nanoTime();
        try {
            String outcome = train(project, kind);
            System.out.printf(Locale.ROOT, "[cds] %s: %s (%.1f s)%n", kind, outcome, (System.nanoTime() - t0) / 1e9);
        } catch (Exception | LinkageError e) {
            System.out.println("[cds] " + kind + ": no class-data-sharing archive made (" + e
                    + "); bin/top-loras works without one");
        }
    }

    private static String train(Path project, String kind) throws Exception {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return "skipped on Windows: bin/top-loras.cmd runs without an archive";
        }
        Path launcher = project.resolve("bin/top-loras");
        Path jar = project.resolve("target/top-loras.jar");
        if (!Files.isRegularFile(launcher) || !Files.isRegularFile(jar)) {
            return "skipped: " + (Files.isRegularFile(jar) ? launcher : jar) + " is missing";
        }
        Path home = Files.createTempDirectory("top-loras-cds-");
        Path log = Files.createTempFile("top-loras-cds-", ".log");
        try (CatalogBenchmark.StubModelScope stub = CatalogBenchmark.StubModelScope.start()) {
            stub.serve(RECORDS);
            List<String> cmd = new ArrayList<>(List.of("sh", launcher.toString(), "--home", home.toString()));
            int port = freePort();
            if (kind.equals("fetch")) {
                cmd.addAll(List.of("fetch", "--limit", Integer.toString(RECORDS), "--base-url", stub.baseUrl()));
            } else {
                cmd.addAll(List.of("--set", "server.port=" + port, "--set", "modelscope.base-url=" + stub.baseUrl(),
                        "serve"));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("TOP_LORAS_JAR", jar.toString());
            pb.environment().put("TOP_LORAS_CDS", "make");
            for (String name : List.of("MODELSCOPE_API_TOKEN", "TOP_LORAS_HOME", "TOP_LORAS_JAVA_OPTS")) {
                pb.environment().remove(name);
            }
            if (kind.equals("serve")) {
                // An archive holds classes, not compiled code, and serves a JVM on C2 and G1 as well (checked with
                // -Xlog:cds): the training serve, a few seconds long, runs on C1 and the serial GC for less CPU.
                pb.environment().put("TOP_LORAS_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
            }
            Process p = pb.start();
            try {
                if (kind.equals("serve")) {
                    exerciseServe(p, "http://127.0.0.1:" + port);
                    // The launcher waits for the JVM, which writes the archive as it exits on SIGTERM.
                    p.descendants().forEach(ProcessHandle::destroy);
                }
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    return "no archive: the training " + kind + " took over " + TIMEOUT_SECONDS + " s";
                }
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            int exit = p.exitValue();
            if (exit != 0 && !(kind.equals("serve") && exit == 143)) {
                return "no archive: the training " + kind + " exited " + exit + ": " + tail(log);
            }
        } finally {
            CatalogBenchmark.deleteTree(home);
            Files.deleteIfExists(log);
        }
        String suffix = kind.equals("serve") ? "-serve.jsa" : ".jsa";
        try (Stream<Path> archives = Files.list(jar.getParent())) {
            return archives.filter(f -> f.getFileName().toString().endsWith(suffix))
                    .filter(f -> kind.equals("serve") || !f.getFileName().toString().endsWith("-serve.jsa"))
                    .filter(f -> !isOlder(f, jar))
                    .findFirst()
                    .map(f -> "archive " + project.relativize(f) + " (" + size(f) + ")")
                    .orElse("no archive beside the jar (a read-only target/? the launcher keeps it under ~/.cache)");
        }
    }

    /** What a serving runtime does first: health, one refresh followed to its end, the leaderboard. */
    private static void exerciseServe(Process p, String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (call("GET", base + "/api/health") != 200) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("serve did not answer /api/health");
            }
            p.waitFor(20, TimeUnit.MILLISECONDS); // polling interval
        }
        StringBuilder body = new StringBuilder();
        if (call("POST", base + "/api/v1/refresh?task=" + CatalogBenchmark.TASK, body) != 202) {
            throw new IllegalStateException("POST /api/v1/refresh was refused: " + body);
        }
        Matcher m = RUN_ID.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no run_id in " + body);
        }
        String run = base + "/api/v1/runs/" + m.group(1);
        StringBuilder state = new StringBuilder();
        while (call("GET", run, state) == 200 && state.toString().contains("\"running\"")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the refresh run did not end");
            }
            state.setLength(0);
            p.waitFor(50, TimeUnit.MILLISECONDS); // polling interval
        }
        call("GET", base + "/api/v1/models?limit=20");
    }

    private static int call(String method, String url) {
        return call(method, url, new StringBuilder());
    }

    private static int call(String method, String url, StringBuilder body) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setRequestMethod(method);
            c.setConnectTimeout(500);
            c.setReadTimeout(10_000);
            try {
                int status = c.getResponseCode();
                try (var in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                    if (in != null) {
                        body.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
                return status;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean isOlder(Path f, Path than) {
        try {
            return Files.getLastModifiedTime(f).compareTo(Files.getLastModifiedTime(than)) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private static String size(Path f) {
        return String.format(Locale.ROOT, "%.1f MB", f.toFile().length() / 1024.0 / 1024.0);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
