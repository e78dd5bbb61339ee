package dev.toploras.bench;

import dev.toploras.broker.BrokerHarness;
import dev.toploras.broker.BrokerSettings;
import dev.toploras.broker.BrokerWiring;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Not a test: the broker-backed queue's targets (issue 13). A coordinator with an embedded Artemis in this JVM,
 * workers as their own processes (2 consumers each) against the remote stub of GenerationBenchmark (fixed latency
 * per call).
 * <ol>
 * <li>throughput: N remote jobs with 1 worker, then with 3 workers, in one run (target: 3 workers ≥ 2.6× one);</li>
 * <li>kill -9 one of 3 workers while N jobs run: all succeed, none lost, no result written twice, and how long
 * the killed worker's jobs took to finish elsewhere;</li>
 * <li>enqueue: 1000 files dropped into the inbox, accepted onto the broker queue (target ≥ 100 jobs/s).</li>
 * </ol>
 * {@code mvn -B -q -DskipTests package exec:java -Dexec.mainClass=dev.toploras.bench.BrokerBenchmark
 * -Dexec.args="300 100"} (jobs, stub latency ms; a third argument {@code enqueue} runs the enqueue part only).
 */
public final class BrokerBenchmark {
    private static final Clock CLOCK = Clock.systemUTC();

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int latencyMs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        System.out.printf("cores %d; %d jobs, stub %d ms per call, workers with 2 consumers each%n",
                Runtime.getRuntime().availableProcessors(), jobs, latencyMs);
        if (args.length > 2 && "enqueue".equals(args[2])) {
            enqueue(1000);
            System.exit(0);
        }
        GenerationBenchmark.Stub stub = new GenerationBenchmark.Stub(latencyMs);
        try {
            double one = throughput(jobs, 1, stub, false);
            double three = throughput(jobs, 3, stub, false);
            System.out.printf("throughput: 1 worker %.1f jobs/s, 3 workers %.1f jobs/s: %.2fx (target >= 2.6x)%n",
                    one, three, three / one);
            throughput(jobs, 3, stub, true);
            enqueue(1000);
        } finally {
            stub.stop();
        }
        System.exit(0);
    }

    /** Runs N remote jobs on {@code workers} worker processes; with {@code kill}, one of them dies at a third. */
    private static double throughput(int jobs, int workers, GenerationBenchmark.Stub stub, boolean kill)
            throws Exception {
        Path dir = Files.createTempDirectory("toploras-broker-bench");
        int port = Http.freePort();
        Map<String, String> config = BrokerHarness.coordinator(port, stub.url());
        config.put("generation.poll-interval", "10");
        config.put("broker.redelivery-delay", "1s");
        List<Process> procs = new ArrayList<>();
        stub.maxInFlight.set(0);
        try (TopLorasRuntime coordinator = BrokerHarness.start(dir, config, null)) {
            BrokerWiring.BrokerHealth health = coordinator.bean("brokerHealth", BrokerWiring.BrokerHealth.class);
            for (int w = 0; w < workers; w++) {
                Path wh = Files.createDirectories(dir.resolve("worker-" + w));
                procs.add(BrokerHarness.workerProcess("bench-" + w, port, stub.url(), 2, "bench-token", wh));
            }
            while (((List<?>) section(health).get("workers")).size() < workers) {
                Thread.sleep(100);
            }
            JobStore store = new JobStore(new Home(dir), Json.mapper(), CLOCK);
            long start = System.nanoTime();
            drop(dir, jobs, "remote");
            long killedAt = 0;
            Set<String> orphans = Set.of();
            int done;
            while ((done = terminal(store)) < jobs) {
                if (kill && killedAt == 0 && done >= jobs / 3) {
                    procs.get(0).destroyForcibly().waitFor();
                    killedAt = System.nanoTime();
                    orphans = store.all().stream().filter(d -> d.status() == JobStatus.RUNNING
                            && "bench-0".equals(d.meta().worker())).map(JobDocument::jobId).collect(Collectors.toSet());
                    System.out.printf("  killed worker bench-0 (kill -9) with %d job(s) in flight: %s%n",
                            orphans.size(), orphans);
                }
                if (killedAt != 0 && !orphans.isEmpty() && orphans.stream().allMatch(id -> store.find(id)
                        .map(d -> d.status().isTerminal()).orElse(false))) {
                    System.out.printf("  its jobs finished by other workers %.2f s after the kill%n",
                            (System.nanoTime() - killedAt) / 1e9);
                    orphans = Set.of();
                }
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<JobDocument> all = store.all();
            long succeeded = all.stream().filter(d -> d.status() == JobStatus.SUCCEEDED).count();
            long doubled = 0;
            for (JobDocument d : all) {
                long dones = Files.readAllLines(store.eventsFile(d.task(), d.jobId())).stream()
                        .filter(l -> l.contains("\"type\":\"done\"")).count();
                doubled += dones > 1 ? 1 : 0;
            }
            Map<String, Long> perWorker = all.stream().collect(Collectors.groupingBy(
                    d -> String.valueOf(d.meta().worker()), java.util.TreeMap::new, Collectors.counting()));
            System.out.printf("%s%d worker(s): %d jobs in %.2f s, %.1f jobs/s; succeeded %d, lost %d, results "
                            + "written twice %d, per worker %s, stub max in-flight %d%n", kill ? "kill -9 one of " : "",
                    workers, jobs, seconds, jobs / seconds, succeeded, jobs - succeeded, doubled, perWorker,
                    stub.maxInFlight.get());
            return jobs / seconds;
        } finally {
            procs.forEach(Process::destroyForcibly);
            for (Process p : procs) {
                p.waitFor();
            }
        }
    }

    /** 1000 files dropped at once into the inbox of a coordinator whose queue is the broker; no worker runs. */
    private static void enqueue(int files) throws Exception {
        Path dir = Files.createTempDirectory("toploras-broker-enqueue");
        int port = Http.freePort();
        Map<String, String> config = BrokerHarness.coordinator(port, "http://127.0.0.1:9");
        config.put("inbox.read-lock-min-age", "100");
        config.put("inbox.poll-delay", "100");
        try (TopLorasRuntime coordinator = BrokerHarness.start(dir, config, null)) {
            BrokerWiring.BrokerHealth health = coordinator.bean("brokerHealth", BrokerWiring.BrokerHealth.class);
            long start = System.nanoTime();
            drop(dir, files, "local");
            while (((Number) section(health).get("queue_depth")).longValue() < files) {
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("enqueue: %d inbox files on the broker queue (%s) in %.2f s: %.1f jobs/s (target >= 100)%n",
                    files, BrokerSettings.JOBS, seconds, files / seconds);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(BrokerWiring.BrokerHealth health) {
        return (Map<String, Object>) health.section();
    }

    private static int terminal(JobStore store) {
        return (int) store.all().stream().filter(d -> d.status().isTerminal()).count();
    }

    /** Written beside the inbox, then moved in: the inbox sees whole files only. */
    private static void drop(Path home, int jobs, String backend) throws Exception {
        Path staging = Files.createDirectories(home.resolve("staging"));
        Path inbox = Files.createDirectories(home.resolve("inbox"));
        for (int i = 0; i < jobs; i++) {
            String id = String.format("bench-%05d", i);
            Files.writeString(staging.resolve(id + ".json"), GenerationBenchmark.jobFile(id, i, backend),
                    StandardCharsets.UTF_8);
        }
        for (int i = 0; i < jobs; i++) {
            String f = String.format("bench-%05d.json", i);
            Files.move(staging.resolve(f), inbox.resolve(f));
        }
    }
}
