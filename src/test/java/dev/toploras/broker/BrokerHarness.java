package dev.toploras.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.AppProcess;
import dev.toploras.support.Http;
import dev.toploras.support.Inbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A coordinator with an embedded Artemis and workers beside it, as the broker tests and the benchmark start them. */
public final class BrokerHarness {
    public static final String TASK = "text-to-image-synthesis";
    static final ObjectMapper JSON = Json.mapper();
    /** The credentials the harness gives its coordinators and workers (the embedded broker always requires some). */
    public static final String USER = "loras-test";
    public static final String PASSWORD = "harness-pw-7d1f";

    private BrokerHarness() {
    }

    /** `serve --set broker.embedded=true` on free ports, polling fast. */
    public static Map<String, String> coordinator(int brokerPort, String inferenceUrl) {
        Map<String, String> c = new HashMap<>();
        c.put("runtime.serve", "true");
        c.put("server.port", String.valueOf(Http.freePort()));
        c.put("broker.embedded", "true");
        c.put("broker.port", String.valueOf(brokerPort));
        c.put("broker.user", USER);
        c.put("broker.password", PASSWORD);
        c.put("broker.redelivery-delay", "100ms");
        c.put("broker.heartbeat", "200ms");
        c.put("generation.local-workers", "0");
        c.put("modelscope.inference-url", inferenceUrl);
        c.put("generation.poll-interval", "20");
        c.put("retries.initial-delay", "10");
        c.put("inbox.read-lock-min-age", "50");
        c.put("inbox.poll-delay", "50");
        c.put("camel.main.shutdown-timeout", "5");
        // A JMS consumer stops once its receive returns: at the default 1 s each close took 1.5-2 s, most of a test.
        c.put("camel.component.jms.receive-timeout", "100");
        return c;
    }

    /** `worker --name NAME --set broker.url=tcp://127.0.0.1:PORT` with {@code consumers} jobs at once. */
    public static Map<String, String> worker(String name, int brokerPort, String inferenceUrl, int consumers) {
        Map<String, String> w = new HashMap<>();
        w.put("runtime.worker", "true");
        w.put("worker.name", name);
        w.put("broker.url", "tcp://127.0.0.1:" + brokerPort);
        w.put("broker.user", USER);
        w.put("broker.password", PASSWORD);
        w.put("broker.heartbeat", "200ms");
        w.put("generation.concurrent-consumers", String.valueOf(consumers));
        w.put("modelscope.inference-url", inferenceUrl);
        w.put("generation.poll-interval", "20");
        w.put("retries.initial-delay", "10");
        w.put("camel.main.shutdown-timeout", "5");
        w.put("camel.component.jms.receive-timeout", "100");
        return w;
    }

    /**
     * `top-loras worker` as its own JVM (AppProcess: the packaged jar, else the test's class path), with
     * MODELSCOPE_API_TOKEN in its environment only; its output goes to target/worker-NAME.log. Small heap and C1 only:
     * the machine is shared.
     */
    public static Process workerProcess(String name, int brokerPort, String inferenceUrl, int consumers,
                                        String token, Path home) throws IOException {
        List<String> args = new ArrayList<>(List.of("--home", home.toString()));
        worker(name, brokerPort, inferenceUrl, consumers).forEach((k, v) -> {
            if (!k.equals("runtime.worker") && !k.equals("worker.name")) {
                args.add("--set");
                args.add(k + "=" + v);
            }
        });
        args.addAll(List.of("worker", "--name", name));
        List<String> cmd = AppProcess.java(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx160m"),
                args.toArray(String[]::new));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "worker-" + name + ".log").toFile());
        pb.environment().remove("MODELSCOPE_API_TOKEN");
        if (token != null) {
            pb.environment().put("MODELSCOPE_API_TOKEN", token);
        }
        return pb.start();
    }

    public static TopLorasRuntime start(Path home, Map<String, String> config, String token) throws Exception {
        return TopLorasRuntime.start(new Home(home), config, () -> Optional.ofNullable(token), Clock.systemUTC());
    }

    public static ObjectNode job(String jobId, String backend) {
        ObjectNode job = JSON.createObjectNode();
        job.put("job_id", jobId);
        job.put("task", TASK);
        job.put("model_id", "Qwen/Qwen-Image");
        job.putObject("loras").put("DiffSynth-Studio/Qwen-Image-Edit-F2P", 1.0);
        ObjectNode params = job.putObject("params");
        params.put("prompt", "a cat for " + jobId);
        params.put("size", "64x64");
        params.put("steps", 30);
        params.put("guidance", 7.5);
        params.put("seed", 12345);
        job.put("backend", backend);
        return job;
    }

    public static void drop(Path home, ObjectNode job) {
        Inbox.drop(home.resolve("inbox"), job.path("job_id").asText() + ".json", job.toString());
    }

    public static Path doc(Path home, String jobId) {
        return home.resolve("cache/outputs").resolve(TASK).resolve(jobId + ".json");
    }

    public static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String status(Path home, String jobId) {
        Path f = doc(home, jobId);
        try {
            return Files.isRegularFile(f) ? read(f).path("status").asText() : "";
        } catch (UncheckedIOException e) {
            return ""; // being replaced right now
        }
    }
}
