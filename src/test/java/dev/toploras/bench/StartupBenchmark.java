package dev.toploras.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The one-shot start-up benchmark of issue 12 (not a test: nothing here asserts a timing). In one run, side by side
 * and interleaved so both sides meet the same machine load, it runs the packaged product as child processes
 * through {@code bin/top-loras} and through plain {@code java -jar target/top-loras.jar}:
 * <ul>
 *   <li>cold {@code fetch --limit 100 --force-refresh} (fresh home each time) against the stub ModelScope of
 *       {@link CatalogBenchmark} (listing 30 ms, covers 50 ms, about 150 KB);</li>
 *   <li>warm {@code fetch --limit 100} within the TTL (checked: the stub sees no request);</li>
 *   <li>{@code --version}, the floor: JVM start and picocli, no Camel;</li>
 *   <li>{@code serve}: from launch to the first {@code GET /api/health} 200, and the RSS right then;</li>
 *   <li>through the launcher, the peak RSS of cold fetches of N=1000 against N=100.</li>
 * </ul>
 * Whole process: wall time measured here, CPU (user + sys) and peak RSS from GNU {@code time} (the kernel's maxrss),
 * medians of the runs. Every fetch is checked (exit 0, N results, every cover on disk), as CatalogBenchmark does.
 *
 * <p>Run: {@code mvn -B -q -DskipTests package exec:java -Dexec.mainClass=dev.toploras.bench.StartupBenchmark}.
 * Knobs (system properties): {@code bench.runs} (5), {@code bench.bigRuns} (runs of N=1000, 1), {@code bench.jar}
 * (target/top-loras.jar), {@code bench.launcher} (bin/top-loras), {@code bench.reference} (another build's jar, e.g. the
 * one before a change: its cold fetch through the same launcher and through java -jar, in the same run).
 */
public final class StartupBenchmark {
    static final String TASK = CatalogBenchmark.TASK;

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("bench.runs", 5);
        int bigRuns = Integer.getInteger("bench.bigRuns", 1);
        Path jar = Paths.get(System.getProperty("bench.jar", "target/top-loras.jar")).toAbsolutePath();
        Path launcher = Paths.get(System.getProperty("bench.launcher", "bin/top-loras")).toAbsolutePath();
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(launcher)) {
            throw new IllegalStateException(jar + " or " + launcher + " is missing: build first (mvn -B -q -DskipTests package)");
        }
        if (!Files.isExecutable(Paths.get("/usr/bin/time"))) {
            throw new IllegalStateException("/usr/bin/time (GNU time) is needed for CPU seconds and peak RSS");
        }
        Side viaLauncher = new Side("bin/top-loras", List.of("sh", launcher.toString()), jar);
        Side plain = new Side("java -jar", List.of(javaBin(), "-jar", jar.toString()), jar);
        List<Side> sides = List.of(viaLauncher, plain);
        // Another build of the product (e.g. the one before a change), cold fetches only, through the same launcher
        // (which makes its archive on the first run) and through java -jar: the same figures for both builds.
        String reference = System.getProperty("bench.reference");
        List<Side> references = new ArrayList<>();
        if (reference != null) {
            Path refJar = Paths.get(reference).toAbsolutePath();
            if (!Files.isRegularFile(refJar)) {
                throw new IllegalStateException("bench.reference " + refJar + " is not a file");
            }
            references.add(new Side("reference bin/top-loras", List.of("sh", launcher.toString()), refJar));
            references.add(new Side("reference java -jar", List.of(javaBin(), "-jar", refJar.toString()), refJar));
        }
        System.out.printf("Startup benchmark: %d run(s) per cell, interleaved; machine: %d cores, load average %s,"
                        + " %s %s%n", runs, Runtime.getRuntime().availableProcessors(), loadAverage(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));

        try (CatalogBenchmark.StubModelScope stub = CatalogBenchmark.StubModelScope.start()) {
            boolean archived = hasArchive(jar);
            // Not counted: warms the file cache, and makes the launcher's archive if the build did not.
            Path warmHome = Files.createTempDirectory("top-loras-startup-");
            for (Side side : sides) {
                side.fetch(stub, warmHome, 100, true);
            }
            for (Side side : references) {
                side.coldFetch(stub, 100);
            }
            System.out.printf("stub ModelScope on %s; launcher archive: %s%n", stub.baseUrl(),
                    archived ? "made by the build" : hasArchive(jar) ? "made by the first fetch" : "none");

            Map<String, List<Measure>> cells = new LinkedHashMap<>();
            for (int i = 0; i < runs; i++) {
                for (Side side : sides) {
                    cells.computeIfAbsent(side.name + "|cold", k -> new ArrayList<>()).add(side.coldFetch(stub, 100));
                    cells.computeIfAbsent(side.name + "|warm", k -> new ArrayList<>())
                            .add(side.fetch(stub, warmHome, 100, false));
                    cells.computeIfAbsent(side.name + "|version", k -> new ArrayList<>()).add(side.version());
                    cells.computeIfAbsent(side.name + "|serve", k -> new ArrayList<>()).add(side.serve(stub));
                }
                for (Side side : references) {
                    cells.computeIfAbsent(side.name + "|cold", k -> new ArrayList<>()).add(side.coldFetch(stub, 100));
                }
            }
            CatalogBenchmark.deleteTree(warmHome);
            List<Measure> big = new ArrayList<>();
            List<Measure> small = new ArrayList<>();
            for (int i = 0; i < bigRuns; i++) {
                for (int n : new int[] {100, 1000}) {
                    (n == 100 ? small : big).add(viaLauncher.coldFetch(stub, n));
                }
            }
            report(cells, small, big);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** One child process as measured from outside: wall, CPU, peak (or, for serve, current) RSS. */
    record Measure(double wallMs, double cpuS, double rssMb) {
    }

    /** One way of starting the product: the launcher or plain java -jar. */
    static final class Side {
        final String name;
        final List<String> command;
        final Path jar;

        Side(String name, List<String> command, Path jar) {
            this.name = name;
            this.command = command;
            this.jar = jar;
        }

        Measure version() throws Exception {
            Path dir = Files.createTempDirectory("top-loras-startup-");
            try {
                Timed t = timed(dir, List.of("--version"));
                if (t.exit != 0 || !t.stdout.startsWith("top-loras ")) {
                    throw new IllegalStateException(name + " --version exited " + t.exit + ": " + t.stdout + t.stderr);
                }
                return t.measure;
            } finally {
                CatalogBenchmark.deleteTree(dir);
            }
        }

        /** A cold fetch of n LoRAs in a fresh home, removed afterwards. */
        Measure coldFetch(CatalogBenchmark.StubModelScope stub, int n) throws Exception {
            Path home = Files.createTempDirectory("top-loras-startup-");
            try {
                return fetch(stub, home, n, true);
            } finally {
                CatalogBenchmark.deleteTree(home);
            }
        }

        /** A fetch of n LoRAs; cold ones are checked like CatalogBenchmark's, warm ones must make no request. */
        Measure fetch(CatalogBenchmark.StubModelScope stub, Path home, int n, boolean cold) throws Exception {
            stub.serve(n);
            List<String> args = new ArrayList<>(List.of("--home", home.toString(), "fetch", "--task", TASK, "--limit",
                    Integer.toString(n), "--base-url", stub.baseUrl()));
            if (cold) {
                args.add("--force-refresh");
            }
            Timed t = timed(home, args);
            if (t.exit != 0) {
                throw new IllegalStateException(name + " fetch exited " + t.exit + ":\n" + t.stderr);
            }
            if (cold) {
                CatalogBenchmark.Child.verifyCache(home, n);
            } else if (stub.anyRequestSinceServe() || !t.stdout.contains("from the cache")) {
                throw new IllegalStateException(name + " warm fetch asked ModelScope or did not read the cache:\n"
                        + t.stdout);
            }
            return t.measure;
        }

        /** Launch to the first /api/health 200, and the process's RSS at that moment. */
        Measure serve(CatalogBenchmark.StubModelScope stub) throws Exception {
            Path home = Files.createTempDirectory("top-loras-startup-");
            int port = freePort();
            List<String> cmd = new ArrayList<>(command);
            cmd.addAll(List.of("--home", home.toString(), "--set", "server.port=" + port, "--set",
                    "modelscope.base-url=" + stub.baseUrl(), "serve"));
            ProcessBuilder pb = env(new ProcessBuilder(cmd)).redirectOutput(home.resolveSibling(home.getFileName()
                    + ".out").toFile()).redirectErrorStream(true);
            long t0 = System.nanoTime();
            Process p = pb.start();
            try {
                URI health = URI.create("http://127.0.0.1:" + port + "/api/health");
                long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
                while (!healthy(health)) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException(name + " serve did not answer /api/health: "
                                + Files.readString(home.resolveSibling(home.getFileName() + ".out")));
                    }
                    p.waitFor(5, TimeUnit.MILLISECONDS); // polling interval, not a wait for the result
                }
                double wallMs = (System.nanoTime() - t0) / 1e6;
                // The launcher execs java, so this pid is the JVM's on both sides.
                double rssMb = procStatusKb(p.pid(), "VmRSS:") / 1024.0;
                double cpuS = procCpuSeconds(p.pid());
                return new Measure(wallMs, cpuS, rssMb);
            } finally {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
                Files.deleteIfExists(home.resolveSibling(home.getFileName() + ".out"));
                CatalogBenchmark.deleteTree(home);
            }
        }

        private record Timed(int exit, Measure measure, String stdout, String stderr) {
        }

        private Timed timed(Path dir, List<String> productArgs) throws Exception {
            Path out = dir.resolveSibling(dir.getFileName() + ".out");
            Path err = dir.resolveSibling(dir.getFileName() + ".err");
            Path usage = dir.resolveSibling(dir.getFileName() + ".time");
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S %M", "-o", usage.toString()));
            cmd.addAll(command);
            cmd.addAll(productArgs);
            ProcessBuilder pb = env(new ProcessBuilder(cmd)).redirectOutput(out.toFile()).redirectError(err.toFile());
            try {
                long t0 = System.nanoTime();
                Process p = pb.start();
                int exit = p.waitFor();
                double wallMs = (System.nanoTime() - t0) / 1e6;
                String[] u = Files.readString(usage).trim().split("\\s+");
                Measure m = new Measure(wallMs, Double.parseDouble(u[u.length - 3]) + Double.parseDouble(u[u.length - 2]),
                        Long.parseLong(u[u.length - 1]) / 1024.0);
                return new Timed(exit, m, Files.readString(out), Files.readString(err));
            } finally {
                for (Path f : List.of(out, err, usage)) {
                    Files.deleteIfExists(f);
                }
            }
        }

        private ProcessBuilder env(ProcessBuilder pb) {
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("TOP_LORAS_JAR", jar.toString());
            for (String name : List.of("MODELSCOPE_API_TOKEN", "TOP_LORAS_HOME", "TOP_LORAS_CDS", "TOP_LORAS_JAVA_OPTS")) {
                pb.environment().remove(name);
            }
            return pb;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static void report(Map<String, List<Measure>> cells, List<Measure> small, List<Measure> big) {
        System.out.println();
        System.out.println("| command | bin/top-loras wall (ms) | java -jar wall (ms) | launcher / java -jar "
                + "| bin/top-loras CPU (s) | java -jar CPU (s) | bin/top-loras peak RSS (MiB) | java -jar peak RSS (MiB) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("cold", "cold `fetch --limit 100 --force-refresh`");
        labels.put("warm", "warm `fetch --limit 100` (fresh cache, 0 requests)");
        labels.put("version", "`--version` (JVM floor)");
        labels.put("serve", "`serve` launch → /api/health 200 (RSS then)");
        for (Map.Entry<String, String> row : labels.entrySet()) {
            List<Measure> l = cells.get("bin/top-loras|" + row.getKey());
            List<Measure> j = cells.get("java -jar|" + row.getKey());
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.1f | %.1f |%n", row.getValue(),
                    median(l, Measure::wallMs), median(j, Measure::wallMs),
                    median(l, Measure::wallMs) / median(j, Measure::wallMs), median(l, Measure::cpuS),
                    median(j, Measure::cpuS), median(l, Measure::rssMb), median(j, Measure::rssMb));
        }
        System.out.println("(medians; CPU = user + sys of the whole process; serve CPU = the JVM's until health)");
        if (cells.containsKey("reference bin/top-loras|cold")) {
            List<Measure> l = cells.get("reference bin/top-loras|cold");
            List<Measure> j = cells.get("reference java -jar|cold");
            System.out.printf(Locale.ROOT, "reference build (%s), cold fetch: bin/top-loras %.0f ms, java -jar %.0f ms,"
                            + " %.2f x; CPU %.2f / %.2f s; peak RSS %.1f / %.1f MiB%n",
                    System.getProperty("bench.reference"), median(l, Measure::wallMs), median(j, Measure::wallMs),
                    median(l, Measure::wallMs) / median(j, Measure::wallMs), median(l, Measure::cpuS),
                    median(j, Measure::cpuS), median(l, Measure::rssMb), median(j, Measure::rssMb));
        }
        double rss100 = median(small, Measure::rssMb);
        double rss1000 = median(big, Measure::rssMb);
        System.out.printf(Locale.ROOT, "%nbin/top-loras cold fetch peak RSS: N=100 %.1f MiB, N=1000 %.1f MiB (%.0f ms"
                + " wall); N=1000 / N=100 = %.2f%n", rss100, rss1000, median(big, Measure::wallMs), rss1000 / rss100);

        double cold = median(cells.get("bin/top-loras|cold"), Measure::wallMs);
        double coldPlain = median(cells.get("java -jar|cold"), Measure::wallMs);
        double warm = median(cells.get("bin/top-loras|warm"), Measure::wallMs);
        double floor = median(cells.get("bin/top-loras|version"), Measure::wallMs);
        double serve = median(cells.get("bin/top-loras|serve"), Measure::wallMs);
        double serveRss = median(cells.get("bin/top-loras|serve"), Measure::rssMb);
        // No build can beat this on this stub: the JVM floor, one listing page, and the covers in rounds of
        // covers.concurrency requests of COVER_LATENCY_MS each.
        int rounds = (100 + CatalogBenchmark.DEFAULT_CONCURRENCY - 1) / CatalogBenchmark.DEFAULT_CONCURRENCY;
        double lowerBound = floor + CatalogBenchmark.LISTING_LATENCY_MS + rounds * CatalogBenchmark.COVER_LATENCY_MS;
        System.out.printf(Locale.ROOT, "%nlower bound of a cold fetch through the launcher on this stub: %.0f ms"
                        + " (--version %.0f ms + listing %d ms + %d rounds of %d covers x %d ms)%n", lowerBound, floor,
                CatalogBenchmark.LISTING_LATENCY_MS, rounds, CatalogBenchmark.DEFAULT_CONCURRENCY,
                CatalogBenchmark.COVER_LATENCY_MS);
        System.out.println();
        target("cold fetch via launcher <= 0.45 x java -jar", String.format(Locale.ROOT, "%.2f x", cold / coldPlain),
                cold / coldPlain <= 0.45);
        target("cold fetch via launcher <= 800 ms", String.format(Locale.ROOT, "%.0f ms", cold), cold <= 800);
        double cpu = median(cells.get("bin/top-loras|cold"), Measure::cpuS);
        target("cold fetch CPU <= 1.2 s", String.format(Locale.ROOT, "%.2f s", cpu), cpu <= 1.2);
        double rss = median(cells.get("bin/top-loras|cold"), Measure::rssMb);
        target("cold fetch peak RSS <= 100 MiB", String.format(Locale.ROOT, "%.1f MiB", rss), rss <= 100);
        target("warm fetch <= 2.0 x --version (launcher)", String.format(Locale.ROOT, "%.2f x", warm / floor),
                warm / floor <= 2.0);
        target("serve launch -> health 200 <= 1500 ms", String.format(Locale.ROOT, "%.0f ms", serve), serve <= 1500);
        target("serve RSS after start <= 200 MiB", String.format(Locale.ROOT, "%.1f MiB", serveRss), serveRss <= 200);
        target("N=1000 peak RSS <= 1.2 x N=100 (launcher)", String.format(Locale.ROOT, "%.2f x", rss1000 / rss100),
                rss1000 / rss100 <= 1.2);
        System.out.println("load average at the end: " + loadAverage());
    }

    private static void target(String what, String measured, boolean met) {
        System.out.printf("target %s: %s -> %s%n", what, measured, met ? "met" : "MISSED");
    }

    static double median(List<Measure> runs, ToDoubleFunction<Measure> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static boolean hasArchive(Path jar) throws IOException {
        try (Stream<Path> files = Files.list(jar.getParent())) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa"));
        }
    }

    private static boolean healthy(URI uri) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static long procStatusKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** utime + stime of /proc/<pid>/stat, in seconds (clock ticks of 100 Hz, as on every Linux we run on). */
    private static double procCpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    private static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Paths.get("/proc/loadavg")).trim().split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
