package dev.toploras.broker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.generation.GenerationHarness;
import dev.toploras.inputs.InputStore;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import dev.toploras.support.Images;
import dev.toploras.support.Inbox;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job with an input image, run by a worker that shares no disk with the coordinator (a real embedded Artemis, a
 * coordinator and an in-process worker with its own home): the image travels with the claim, is checked against its
 * sha256 and put into the worker's own cache/inputs/, and the render reads it from there. The render here is the
 * remote one with inputs.remote-data-uri=true, which reads the stored bytes exactly as a local backend does.
 */
class BrokerInputImagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASK = "image-to-image";
    @TempDir
    Path home;
    @TempDir
    Path workerHome;
    WireMockServer modelscope;
    int brokerPort;
    final List<TopLorasRuntime> started = new ArrayList<>();

    @BeforeEach
    void stubs() {
        modelscope = Stubs.wireMock();
        brokerPort = Http.freePort();
    }

    @AfterEach
    void stop() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        modelscope.stop();
    }

    @Test
    void should_run_a_job_with_an_inbox_image_on_a_worker_from_the_bytes_the_claim_carried() throws Exception {
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations"))
                .willReturn(okJson(GenerationHarness.submitted("t-edit"))));
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/t-edit"))
                .willReturn(okJson(GenerationHarness.succeeded(modelscope.baseUrl() + "/out/edit.png"))));
        modelscope.stubFor(get(urlEqualTo("/out/edit.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(Images.png(16, 12))));
        Map<String, String> c = BrokerHarness.coordinator(brokerPort, modelscope.baseUrl());
        c.put("inputs.remote-data-uri", "true");
        started.add(BrokerHarness.start(home, c, null));
        Map<String, String> w = BrokerHarness.worker("w-edit", brokerPort, modelscope.baseUrl(), 1);
        w.put("inputs.remote-data-uri", "true");
        Path whome = Files.createDirectories(workerHome.resolve("w-edit"));
        TopLorasRuntime worker = BrokerHarness.start(whome, w, "worker-token");
        started.add(worker);

        byte[] png = Images.png(24, 16);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));
        Files.createDirectories(home.resolve("inbox"));
        Files.write(home.resolve("inbox/photo.png"), png);
        ObjectNode job = JSON.createObjectNode();
        job.put("job_id", "edit-on-worker");
        job.put("task", TASK);
        job.put("model_id", "Qwen/Qwen-Image-Edit");
        job.putObject("loras").put("DiffSynth-Studio/Qwen-Image-Edit-F2P", 1.0);
        job.putObject("params").put("prompt", "the same room at night").put("size", "128x96");
        job.put("backend", "remote");
        job.putArray("images").add("photo.png");
        Inbox.drop(home.resolve("inbox"), "edit-on-worker.json", job.toString());

        Path doc = home.resolve("cache/outputs").resolve(TASK).resolve("edit-on-worker.json");
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            String s = Files.isRegularFile(doc) ? Files.readString(doc) : "";
            return s.contains("\"succeeded\"") || s.contains("\"failed\"");
        });
        JsonNode done = JSON.readTree(doc.toFile());
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.at("/meta/worker").asText()).isEqualTo("w-edit");
        JsonNode submit = JSON.readTree(modelscope.findAll(postRequestedFor(urlEqualTo("/v1/images/generations")))
                .get(0).getBodyAsString());
        assertThat(submit.path("image_url").asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        // the worker's own cache/inputs (under its scratch home, not the coordinator's) holds it by hash
        InputStore workerInputs = worker.bean("inputStore", InputStore.class);
        assertThat(workerInputs.dir().startsWith(home)).isFalse();
        assertThat(workerInputs.file(sha)).hasValueSatisfying(p -> assertThat(p).hasBinaryContent(png));
    }
}
