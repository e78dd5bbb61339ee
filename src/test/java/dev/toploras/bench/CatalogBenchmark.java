package dev.toploras.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * The catalog benchmark of issue 2 (not a test: nothing here asserts a timing). It serves N synthetic LoRA records
 * and their covers from a stub ModelScope on 127.0.0.1 with set latencies (listing 30 ms, cover 50 ms, 150 KB PNG),
 * runs the packaged {@code java -jar target/top-loras.jar fetch} as a child process for each N, and prints wall time,
 * the pipeline time the CLI reports, the ideal time, their ratio and the child's peak RSS (medians of the runs).
 *
 * <p>Run: {@code mvn -B -q -DskipTests package exec:java} (see docs/benchmarks.md). Knobs, as system properties:
 * {@code bench.sizes} (20,100,1000), {@code bench.runs} (3), {@code bench.jars} (two or more jars, e.g. before and
 * after a change, run in turn in one invocation against one stub and printed side by side), {@code bench.jvmArgs}
 * (flags for the child JVM, e.g.
 * "-XX:TieredStopAtLevel=1"), {@code bench.concurrency} (the product's default, 8), {@code bench.jar}
 * (target/top-loras.jar), {@code bench.stubOnly} (N: only serve the stub, for profiling a run by hand). It
 * fails (non-zero) only when a run is wrong: exit code, record count, missing covers.
 */
public final class CatalogBenchmark {
    static final long LISTING_LATENCY_MS = 30;
    static final long COVER_LATENCY_MS = 50;
    static final int MAX_PAGE_SIZE = 100;
    /** covers.concurrency in the product's application.properties. */
    static final int DEFAULT_CONCURRENCY = 8;
    static final String TASK = "text-to-image-synthesis";
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) LoRAs, (\\d+) page\\(s\\) in ([0-9.]+) s");

    private CatalogBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = Arrays.stream(System.getProperty("bench.sizes", "20,100,1000").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        int runs = Integer.getInteger("bench.runs", 3);
        int concurrency = Integer.getInteger("bench.concurrency", DEFAULT_CONCURRENCY);
        List<String> jvmArgs = words(System.getProperty("bench.jvmArgs", ""));
        String jars = System.getProperty("bench.jars");
        if (jars != null) {
            compare(Arrays.stream(jars.split(",")).map(j -> Paths.get(j.trim()).toAbsolutePath()).toList(), sizes,
                    runs, jvmArgs, concurrency);
            return;
        }
        Path jar = Paths.get(System.getProperty("bench.jar", "target/top-loras.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn -B -q -DskipTests package)");
        }
        Child child = new Child(jar, jvmArgs, concurrency);
        System.out.printf("Catalog benchmark: %s, child JVM flags [%s], covers.concurrency %d, %d run(s) per N%n",
                jar.getFileName(), String.join(" ", jvmArgs), concurrency, runs);
        System.out.printf("machine: %d cores, %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                memTotal(), System.getProperty("java.vm.name"), System.getProperty("java.version"));

        try (StubModelScope stub = StubModelScope.start()) {
            Integer stubOnly = Integer.getInteger("bench.stubOnly");
            if (stubOnly != null) { // for profiling by hand: only the stub, serving N records until killed
                stub.serve(stubOnly);
                System.out.println("stub ModelScope serving " + stubOnly + " LoRAs on " + stub.baseUrl());
                Thread.currentThread().join();
            }
            System.out.printf("stub ModelScope on %s (listing %d ms/page, covers %d ms, %d-byte PNG)%n",
                    stub.baseUrl(), LISTING_LATENCY_MS, COVER_LATENCY_MS, stub.coverBytes());
            Run baseline = child.version();
            System.out.printf("baseline `java -jar %s --version` (JVM + picocli, no Camel): %d ms, peak RSS %.1f MB%n",
                    jar.getFileName(), baseline.wallMs, baseline.rssKb / 1024.0);
            child.fetch(stub, sizes[0]); // warm-up (file cache, stub JIT); not counted
            List<Row> rows = new ArrayList<>();
            for (int n : sizes) {
                List<Run> measured = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    measured.add(child.fetch(stub, n));
                }
                rows.add(Row.of(n, concurrency, measured));
            }
            printTable(rows);
            printTargets(rows);
        }
    }

    /**
     * Several jars against one stub, their runs interleaved (a, b, a, b, ...) so that a machine busy with other work
     * weighs on each alike; one table row per jar and N.
     */
    static void compare(List<Path> jars, int[] sizes, int runs, List<String> jvmArgs, int concurrency)
            throws Exception {
        List<Child> children = new ArrayList<>();
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing");
            }
            children.add(new Child(jar, jvmArgs, concurrency));
        }
        System.out.printf("Catalog benchmark, side by side: %s; child JVM flags [%s], %d run(s) per jar and N%n",
                jars, String.join(" ", jvmArgs), runs);
        System.out.printf("machine: %d cores, %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                memTotal(), System.getProperty("java.vm.name"), System.getProperty("java.version"));
        try (StubModelScope stub = StubModelScope.start()) {
            for (Child c : children) {
                c.fetch(stub, sizes[0]); // warm-up (file cache, stub JIT); not counted
            }
            System.out.println();
            System.out.println("| jar | N | runs | whole process (ms) | pipeline (ms) | peak RSS (MB) |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            for (int n : sizes) {
                List<List<Run>> measured = new ArrayList<>();
                children.forEach(c -> measured.add(new ArrayList<>()));
                for (int i = 0; i < runs; i++) {
                    for (int j = 0; j < children.size(); j++) {
                        measured.get(j).add(children.get(j).fetch(stub, n));
                    }
                }
                for (int j = 0; j < children.size(); j++) {
                    List<Run> m = measured.get(j);
                    System.out.printf(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.1f |%n", jars.get(j),
                            n, m.size(), median(m, Run::wallMs), median(m, Run::pipelineMs),
                            median(m, Run::rssKb) / 1024.0);
                }
            }
            System.out.println("(medians)");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The child process: the real product, measured from outside.

    /** One run of the child: wall time, the CLI's own pipeline figure, pages, peak RSS, stub-side concurrency. */
    record Run(long wallMs, double pipelineMs, int pages, long rssKb, int maxParallelCovers, double listingMs,
               double coversMs) {
    }

    static final class Child {
        private final Path jar;
        private final List<String> jvmArgs;
        private final int concurrency;
        private final boolean gnuTime = Files.isExecutable(Paths.get("/usr/bin/time"));

        Child(Path jar, List<String> jvmArgs, int concurrency) {
            this.jar = jar;
            this.jvmArgs = jvmArgs;
            this.concurrency = concurrency;
        }

        Run version() throws Exception {
            Path dir = Files.createTempDirectory("top-loras-bench-");
            try {
                Exec e = exec(dir, List.of("--version"));
                if (e.exit != 0) {
                    throw new IllegalStateException("--version exited " + e.exit + ": " + e.stderr);
                }
                return new Run(e.wallMs, 0, 0, e.rssKb, 0, 0, 0);
            } finally {
                deleteTree(dir);
            }
        }

        Run fetch(StubModelScope stub, int n) throws Exception {
            Path home = Files.createTempDirectory("top-loras-bench-");
            try {
                stub.serve(n);
                List<String> cmd = new ArrayList<>(List.of("--home", home.toString(), "fetch", "--task", TASK,
                        "--limit", Integer.toString(n), "--force-refresh", "--base-url", stub.baseUrl()));
                if (concurrency != DEFAULT_CONCURRENCY) {
                    cmd.addAll(List.of("--concurrency", Integer.toString(concurrency)));
                }
                Exec e = exec(home, cmd);
                if (e.exit != 0) {
                    throw new IllegalStateException("fetch --limit " + n + " exited " + e.exit + ":\n" + e.stderr);
                }
                Matcher m = SUMMARY.matcher(e.stdout);
                if (!m.find()) {
                    throw new IllegalStateException("no summary line in the output of fetch:\n" + e.stdout);
                }
                verifyCache(home, n);
                return new Run(e.wallMs, Double.parseDouble(m.group(3)) * 1000, Integer.parseInt(m.group(2)),
                        e.rssKb, stub.maxParallelCovers(), stub.listingPhaseMs(), stub.coversPhaseMs());
            } finally {
                deleteTree(home);
            }
        }

        private record Exec(int exit, long wallMs, long rssKb, String stdout, String stderr) {
        }

        /** Runs the jar; peak RSS from GNU time's %M (the kernel's maxrss) or, without it, /proc VmHWM polling. */
        private Exec exec(Path dir, List<String> productArgs) throws Exception {
            Path out = dir.resolveSibling(dir.getFileName() + ".out");
            Path err = dir.resolveSibling(dir.getFileName() + ".err");
            Path rss = dir.resolveSibling(dir.getFileName() + ".rss");
            List<String> cmd = new ArrayList<>();
            if (gnuTime) {
                cmd.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
            }
            cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmArgs);
            cmd.addAll(List.of("-jar", jar.toString()));
            cmd.addAll(productArgs);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("MODELSCOPE_API_TOKEN");
            pb.environment().remove("TOP_LORAS_HOME");
            try {
                long t0 = System.nanoTime();
                Process p = pb.start();
                long polled = 0;
                while (!p.waitFor(3, TimeUnit.MILLISECONDS)) {
                    if (!gnuTime) {
                        polled = Math.max(polled, vmHwmKb(p.pid()));
                    }
                }
                long wallMs = (System.nanoTime() - t0) / 1_000_000;
                long rssKb = gnuTime ? Long.parseLong(Files.readString(rss).trim()) : polled;
                return new Exec(p.exitValue(), wallMs, rssKb, Files.readString(out), Files.readString(err));
            } finally {
                for (Path f : List.of(out, err, rss)) {
                    Files.deleteIfExists(f);
                }
            }
        }

        private static long vmHwmKb(long pid) {
            try {
                for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // the process ended between two polls
            }
            return 0;
        }

        /** The cache file holds N results, each with a cover on disk. */
        static void verifyCache(Path home, int n) throws IOException {
            Path file = home.resolve("cache").resolve("top_loras_" + TASK + ".json");
            JsonNode doc = new ObjectMapper().readTree(file.toFile());
            JsonNode results = doc.path("results");
            if (results.size() != n) {
                throw new IllegalStateException(file + " has " + results.size() + " results, expected " + n);
            }
            for (JsonNode r : results) {
                JsonNode local = r.get("cover_local");
                if (local == null || !local.isTextual() || !Files.isRegularFile(home.resolve(local.asText()))) {
                    throw new IllegalStateException("result " + r.path("id").asText() + " has no stored cover: "
                            + local);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The stub ModelScope: listing and covers on 127.0.0.1, with fixed latencies.

    static final class StubModelScope implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService pool;
        private final ObjectMapper json = new ObjectMapper();
        private final byte[] png = Png.noise(256, 200);
        private final AtomicInteger coversInFlight = new AtomicInteger();
        private final AtomicInteger maxCoversInFlight = new AtomicInteger();
        private volatile int records;
        /** Seen from the stub: first listing request, first cover request, end of the last cover reply. */
        private final AtomicLong firstListing = new AtomicLong();
        private final AtomicLong firstCover = new AtomicLong();
        private final AtomicLong lastCoverEnd = new AtomicLong();

        private StubModelScope(HttpServer server, ExecutorService pool) {
            this.server = server;
            this.pool = pool;
        }

        static StubModelScope start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            ExecutorService pool = Executors.newFixedThreadPool(32, r -> {
                Thread t = new Thread(r, "stub-modelscope");
                t.setDaemon(true);
                return t;
            });
            StubModelScope stub = new StubModelScope(server, pool);
            server.createContext("/api/v1/dolphin/models", stub::listing);
            server.createContext("/covers/", stub::cover);
            server.setExecutor(pool);
            server.start();
            return stub;
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        int coverBytes() {
            return png.length;
        }

        /** The listing holds n records from now on; the concurrency gauge starts again. */
        void serve(int n) {
            records = n;
            maxCoversInFlight.set(0);
            firstListing.set(0);
            firstCover.set(0);
            lastCoverEnd.set(0);
        }

        /** From the first listing request to the first cover request: pages, parsing, top N. */
        double listingPhaseMs() {
            return (firstCover.get() - firstListing.get()) / 1e6;
        }

        /** From the first cover request to the end of the last cover reply. */
        double coversPhaseMs() {
            return (lastCoverEnd.get() - firstCover.get()) / 1e6;
        }

        /** Whether any listing or cover request arrived since the last {@link #serve}. */
        boolean anyRequestSinceServe() {
            return firstListing.get() != 0 || firstCover.get() != 0;
        }

        int maxParallelCovers() {
            return maxCoversInFlight.get();
        }

        private void listing(HttpExchange ex) throws IOException {
            try (ex) {
                if (!"PUT".equals(ex.getRequestMethod())) {
                    reply(ex, 404, "application/json", "{\"Code\":404,\"Success\":false}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                firstListing.compareAndSet(0, System.nanoTime());
                JsonNode req = json.readTree(ex.getRequestBody());
                int size = Math.max(1, Math.min(MAX_PAGE_SIZE, req.path("PageSize").asInt(10)));
                int page = Math.max(1, req.path("PageNumber").asInt(1));
                sleep(LISTING_LATENCY_MS);
                int n = records;
                ObjectNode body = json.createObjectNode();
                body.put("Code", 200);
                body.put("Success", true);
                body.put("Message", "success");
                body.put("RequestId", "bench-" + page);
                ObjectNode model = body.putObject("Data").putObject("Model");
                ArrayNode models = model.putArray("Models");
                for (int i = (page - 1) * size; i < Math.min(n, page * size); i++) {
                    models.add(record(i, n));
                }
                model.put("TotalCount", n);
                reply(ex, 200, "application/json", json.writeValueAsBytes(body));
            }
        }

        /** A small record in the shape of shared/fixtures/modelscope/dolphin-models-lora-page1.json. */
        private ObjectNode record(int i, int n) {
            String path = "bench-org-" + (i % 10);
            String name = "bench-lora-" + i;
            ObjectNode r = json.createObjectNode();
            r.put("Path", path);
            r.put("Name", name);
            r.put("ChineseName", "基准 LoRA " + i);
            r.put("AigcType", "LoRA");
            r.put("Downloads", 10L * (n - i)); // already in DownloadsCount order
            r.put("Stars", i % 97);
            r.put("LastUpdatedTime", 1_760_000_000L + i);
            r.putArray("BaseModel").add("Qwen/Qwen-Image");
            r.put("VisionFoundation", "QWEN_IMAGE_20_B");
            r.putArray("TriggerWords").add("bench" + i);
            r.putArray("Tags").add("LoRA").add("bench");
            ObjectNode tag = r.putArray("OfficialTags").addObject();
            tag.put("ChineseName", "写实摄影");
            tag.put("Name", "Photography");
            tag.put("Tag", "photography");
            tag.put("TagType", "designStyle");
            r.put("License", "Apache License 2.0");
            r.put("Avatar", baseUrl() + "/avatars/" + (i % 10) + ".png");
            ObjectNode muse = r.putObject("MuseInfo");
            ObjectNode m = muse.putObject("model");
            m.put("modelName", path + "/" + name);
            m.put("modelType", "LoRA");
            m.put("showName", "基准 LoRA " + i);
            m.put("gmtModified", (1_760_000_000L + i) * 1000);
            ObjectNode version = muse.putArray("versions").addObject();
            ObjectNode cover = version.putArray("coverImages").addObject();
            cover.put("id", i);
            cover.put("url", baseUrl() + "/covers/" + i + ".png");
            version.putObject("modelVersion").put("triggerWords", "[\"bench" + i + "\"]");
            return r;
        }

        private void cover(HttpExchange ex) throws IOException {
            firstCover.compareAndSet(0, System.nanoTime());
            int now = coversInFlight.incrementAndGet();
            maxCoversInFlight.accumulateAndGet(now, Math::max);
            try (ex) {
                String etag = "\"" + ex.getRequestURI().getPath().hashCode() + "\"";
                sleep(COVER_LATENCY_MS);
                ex.getResponseHeaders().set("ETag", etag);
                if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                    ex.sendResponseHeaders(304, -1);
                    return;
                }
                reply(ex, 200, "image/png", png);
            } finally {
                lastCoverEnd.accumulateAndGet(System.nanoTime(), Math::max);
                coversInFlight.decrementAndGet();
            }
        }

        private static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            server.stop(0);
            pool.shutdownNow();
        }
    }

    /** A valid PNG (signature, IHDR, IDAT, IEND with CRCs) of random RGB pixels, stored uncompressed: ~150 KB. */
    static final class Png {
        private Png() {
        }

        static byte[] noise(int width, int height) {
            try {
                Random random = new Random(42);
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                byte[] row = new byte[width * 3];
                for (int y = 0; y < height; y++) {
                    raw.write(0); // filter: none
                    random.nextBytes(row);
                    raw.write(row);
                }
                ByteArrayOutputStream idat = new ByteArrayOutputStream();
                try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.NO_COMPRESSION))) {
                    raw.writeTo(z);
                }
                ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
                DataOutputStream h = new DataOutputStream(ihdr);
                h.writeInt(width);
                h.writeInt(height);
                h.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB, deflate, no filter method, no interlace
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
                chunk(png, "IHDR", ihdr.toByteArray());
                chunk(png, "IDAT", idat.toByteArray());
                chunk(png, "IEND", new byte[0]);
                return png.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
            DataOutputStream out = new DataOutputStream(png);
            byte[] t = type.getBytes(StandardCharsets.US_ASCII);
            out.writeInt(data.length);
            out.write(t);
            out.write(data);
            CRC32 crc = new CRC32();
            crc.update(t);
            crc.update(data);
            out.writeInt((int) crc.getValue());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Figures.

    /** Medians of the runs for one N, and the ideal: listing latency x pages + ceil(N / concurrency) x cover latency. */
    record Row(int n, int runs, int pages, double wallMs, double pipelineMs, double idealMs, double rssMb,
               int maxParallelCovers, double listingMs, double coversMs, double idealCoversMs) {
        static Row of(int n, int concurrency, List<Run> runs) {
            int pages = runs.get(0).pages();
            double idealCovers = Math.ceil(n / (double) concurrency) * COVER_LATENCY_MS;
            return new Row(n, runs.size(), pages, median(runs, Run::wallMs), median(runs, Run::pipelineMs),
                    LISTING_LATENCY_MS * pages + idealCovers, median(runs, Run::rssKb) / 1024.0,
                    runs.stream().mapToInt(Run::maxParallelCovers).max().orElse(0), median(runs, Run::listingMs),
                    median(runs, Run::coversMs), idealCovers);
        }

        double ratio() {
            return pipelineMs / idealMs;
        }
    }

    static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static void printTable(List<Row> rows) {
        System.out.println();
        System.out.println("| N | runs | pages | whole process (ms) | pipeline (ms) | ideal (ms) | pipeline/ideal "
                + "| outside pipeline (ms) | peak RSS (MB) | max parallel covers |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %.0f | %.0f | %.0f | %.2f | %.0f | %.1f | %d |%n",
                    r.n, r.runs, r.pages, r.wallMs, r.pipelineMs, r.idealMs, r.ratio(), r.wallMs - r.pipelineMs,
                    r.rssMb, r.maxParallelCovers);
        }
        System.out.println("(medians; outside pipeline = JVM start, Camel start and stop, summary, exit)");
        System.out.println();
        System.out.println("Seen from the stub (medians): listing phase = first listing request to first cover request;"
                + " covers phase = first cover request to the end of the last cover reply.");
        System.out.println("| N | listing phase (ms) | ideal listing (ms) | covers phase (ms) | ideal covers (ms) "
                + "| covers/ideal |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %d | %.0f | %d | %.0f | %.0f | %.2f |%n", r.n, r.listingMs,
                    LISTING_LATENCY_MS * r.pages, r.coversMs, r.idealCoversMs, r.coversMs / r.idealCoversMs);
        }
    }

    static void printTargets(List<Row> rows) {
        System.out.println();
        Row r100 = find(rows, 100);
        Row r1000 = find(rows, 1000);
        if (r100 != null) {
            System.out.printf(Locale.ROOT, "target N=100 whole process <= 2500 ms: %.0f ms -> %s%n", r100.wallMs,
                    verdict(r100.wallMs <= 2500));
        }
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "target N=%d pipeline <= 1.5 x ideal: %.2f x -> %s%n", r.n, r.ratio(),
                    verdict(r.ratio() <= 1.5));
        }
        if (r100 != null && r1000 != null) {
            double growth = r1000.rssMb / r100.rssMb - 1;
            System.out.printf(Locale.ROOT, "target peak RSS N=1000 within 10%% of N=100: %.1f MB vs %.1f MB (%+.1f%%)"
                    + " -> %s%n", r1000.rssMb, r100.rssMb, growth * 100, verdict(Math.abs(growth) <= 0.10));
        }
    }

    private static Row find(List<Row> rows, int n) {
        return rows.stream().filter(r -> r.n == n).findFirst().orElse(null);
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    // ---------------------------------------------------------------------------------------------------------

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Paths.get("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> String.format(Locale.ROOT, "%.1f GB RAM",
                            Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
                    .findFirst().orElse("? RAM");
        } catch (IOException e) {
            return "? RAM";
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
