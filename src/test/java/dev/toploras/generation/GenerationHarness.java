package dev.toploras.generation;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;

/** What the generation tests share: dropping inbox files the way a user does and reading the job files back. */
public final class GenerationHarness {
    static final String TOKEN = "test-token-XYZ";
    static final String TASK = "text-to-image-synthesis";
    static final ObjectMapper JSON = Json.mapper();

    private GenerationHarness() {
    }

    /** One worker polling fast and an inbox that takes files quickly: what the cancel and restart tests run on. */
    static java.util.Map<String, String> oneFastWorker(String inferenceUrl) {
        return java.util.Map.of(
                "runtime.serve", "true",
                "server.port", String.valueOf(dev.toploras.support.Http.freePort()), // 8080 may be taken
                "modelscope.inference-url", inferenceUrl,
                "generation.concurrent-consumers", "1",
                "generation.poll-interval", "20",
                "generation.poll-timeout", "60s",
                "inbox.read-lock-min-age", "50",
                "inbox.poll-delay", "50");
    }

    static ObjectNode job(String jobId, String prompt, String backend) {
        ObjectNode job = JSON.createObjectNode();
        if (jobId != null) {
            job.put("job_id", jobId);
        }
        job.put("task", TASK);
        job.put("model_id", "Qwen/Qwen-Image");
        job.putObject("loras").put("DiffSynth-Studio/Qwen-Image-Edit-F2P", 1.0);
        ObjectNode params = job.putObject("params");
        params.put("prompt", prompt);
        params.put("size", "128x96");
        params.put("steps", 30);
        params.put("guidance", 7.5);
        params.put("seed", 12345);
        job.put("backend", backend);
        return job;
    }

    static void drop(Home home, String name, String content) {
        dev.toploras.support.Inbox.drop(home.inbox(), name, content);
    }

    static void drop(Home home, ObjectNode job) {
        drop(home, job.path("job_id").asText() + ".json", job.toString());
    }

    static Path doc(Home home, String jobId) {
        return home.cache().resolve("outputs").resolve(TASK).resolve(jobId + ".json");
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the job document shows {@code status} and returns it. */
    static JsonNode awaitStatus(Home home, String jobId, String status) {
        Path file = doc(home, jobId);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() ->
                Files.isRegularFile(file) && status.equals(read(file).path("status").asText()));
        return read(file);
    }

    static List<JsonNode> events(Home home, String jobId) {
        try {
            return Files.readAllLines(home.cache().resolve("outputs").resolve(TASK).resolve(jobId + ".events.jsonl"))
                    .stream().map(l -> {
                        try {
                            return JSON.readTree(l);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The flow files of a generation route test whose local backend is the preview. */
    static final List<String> PREVIEW_FLOWS = List.of("errors.camel.yaml", "generation.camel.yaml",
            "local-http.camel.yaml", "local-preview.camel.yaml");

    /** No regular file under {@code root} holds {@code secret} (read as bytes, so any encoding shows it). */
    static void assertNoFileHolds(Path root, String secret) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(f);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue; // a lock or temp file that finished its short life while we walked
                }
                org.assertj.core.api.Assertions.assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain(secret);
            }
        }
    }

    public static String fixture(String name) {
        try (InputStream in = GenerationHarness.class.getResourceAsStream("/modelscope/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String submitted(String taskId) {
        return fixture("generation_submit_response.json").replace("0b7e7a5e-1c2d-4e5f-9a8b-7c6d5e4f3a21", taskId);
    }

    public static String succeeded(String imageUrl) {
        return fixture("task_poll_succeed.json").replace(
                "https://muse-ai.oss-cn-hangzhou.aliyuncs.com/img/3134f467f50a49b9b8196088bf8c983f.png", imageUrl);
    }

    public static byte[] png(int w, int h) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
