package dev.toploras.inputs;

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
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.generation.GenerationHarness;
import dev.toploras.support.Http;
import dev.toploras.support.Images;
import dev.toploras.support.Inbox;
import dev.toploras.support.Stubs;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs with input images, as a user meets them: POST /api/v1/uploads, a job naming upload:<id>, the ModelScope stub
 * seeing image_url (API-Inference's shape: one image as a string; see InferenceClient), the stored copy served
 * under /assets/{job}/inputs/ and under the unguessable public link; an inbox job with its image beside it; and
 * hostile images refused with nothing stored.
 */
class InputImagesTest {
    static final ObjectMapper JSON = Json.mapper();
    static final long MAX_BYTES = 200_000;
    @TempDir
    static Path dir;
    static WireMockServer inference;
    static WireMockServer images;
    static WireMockServer elsewhere;
    static Stubs.Served served;
    static Home home;

    @BeforeAll
    static void start() throws Exception {
        inference = Stubs.wireMock();
        images = Stubs.wireMock();
        elsewhere = Stubs.wireMock();
        home = new Home(dir);
        served = Stubs.serve(dir, Map.of(
                "modelscope.inference-url", inference.baseUrl(),
                "generation.poll-interval", "20",
                "generation.poll-timeout", "20s",
                "inbox.read-lock-min-age", "50",
                "inbox.poll-delay", "50",
                "inputs.max-bytes", String.valueOf(MAX_BYTES),
                "api.max-body-bytes", "1048576",
                "server.public-url", "https://loras.example.org/",
                // the image stubs listen on 127.0.0.1 (InputUrlFetchTest: refused without this)
                "inputs.allow-private-urls", "true"));
    }

    @AfterAll
    static void stop() {
        if (served != null) {
            served.runtime().close();
        }
        inference.stop();
        images.stop();
        elsewhere.stop();
    }

    static HttpResponse<String> upload(byte[] body, String type) {
        return served.http().upload(body, type);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static ObjectNode editJob(String id, String prompt, List<String> refs) {
        ObjectNode job = JSON.createObjectNode();
        job.put("job_id", id);
        job.put("task", "image-to-image");
        job.put("model_id", "Qwen/Qwen-Image-Edit");
        job.putObject("loras").put("DiffSynth-Studio/Qwen-Image-Edit-F2P", 1.0);
        job.putObject("params").put("prompt", prompt).put("size", "128x96").put("strength", 0.6);
        job.put("backend", "remote");
        refs.forEach(job.putArray("images")::add);
        return job;
    }

    static long storedInputs() throws Exception {
        Path d = home.cache().resolve("inputs");
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    @Test
    void should_send_an_uploaded_png_to_modelscope_as_image_url_and_serve_it_beside_the_job() throws Exception {
        byte[] png = Images.png(40, 30);
        HttpResponse<String> up = upload(png, "image/png");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        JsonNode u = JSON.readTree(up.body());
        assertThat(u.path("sha256").asText()).isEqualTo(sha256(png));
        assertThat(u.path("mime").asText()).isEqualTo("image/png");
        assertThat(u.path("width").asInt()).isEqualTo(40);
        assertThat(u.path("height").asInt()).isEqualTo(30);
        assertThat(u.path("bytes").asLong()).isEqualTo(png.length);

        inference.stubFor(post(urlEqualTo("/v1/images/generations"))
                .willReturn(okJson(GenerationHarness.submitted("t-edit"))));
        inference.stubFor(get(urlEqualTo("/v1/tasks/t-edit")).willReturn(okJson(
                GenerationHarness.succeeded(images.baseUrl() + "/out/edit.png"))));
        images.stubFor(get(urlEqualTo("/out/edit.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(Images.png(128, 96))));

        HttpResponse<String> r = served.http().post("/api/v1/generate",
                editJob("edit-upload", "make it blue", List.of("upload:" + u.path("upload_id").asText())).toString(),
                "X-ModelScope-Token", "request-token");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode job = served.jobWhenEnded("edit-upload");
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(job.at("/inputs/0/sha256").asText()).isEqualTo(sha256(png));
        assertThat(job.at("/inputs/0/source").asText()).isEqualTo("upload:" + sha256(png));
        assertThat(job.at("/inputs/0/asset_url").asText()).isEqualTo("/assets/edit-upload/inputs/0.png");
        assertThat(Json.mapper().readTree(home.cache().resolve("outputs/image-to-image/edit-upload.json").toFile())
                .at("/inputs/0").size()).as("stored: index, sha256, mime, width, height, source").isEqualTo(6);

        JsonNode submit = JSON.readTree(inference.findAll(postRequestedFor(urlEqualTo("/v1/images/generations")))
                .get(0).getBodyAsString());
        String imageUrl = submit.path("image_url").asText();
        assertThat(imageUrl).startsWith("https://loras.example.org/public/inputs/" + sha256(png) + "-")
                .endsWith(".png");
        assertThat(submit.path("model").asText()).isEqualTo("Qwen/Qwen-Image-Edit");

        HttpResponse<byte[]> asset = served.http().getBytes("/assets/edit-upload/inputs/0.png");
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.body()).isEqualTo(png);
        String publicPath = URI.create(imageUrl).getPath();
        assertThat(served.http().getBytes(publicPath).body()).isEqualTo(png);
        // the keyed part is what makes the link unguessable: knowing the image's hash is not enough
        assertThat(served.http().getBytes("/public/inputs/" + sha256(png) + "-" + "0".repeat(32) + ".png")
                .statusCode()).isEqualTo(404);
    }

    @Test
    void should_refuse_an_image_to_image_job_without_an_image() throws Exception {
        ObjectNode job = editJob("edit-none", "nothing to edit", List.of());
        job.remove("images");
        HttpResponse<String> r = served.http().post("/api/v1/generate", job.toString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("images").contains("upload");
    }

    @Test
    void should_refuse_hostile_uploads_and_urls_and_store_nothing() throws Exception {
        long before = storedInputs();
        HttpResponse<String> text = upload("not an image at all".getBytes(), "image/png");
        assertThat(text.statusCode()).isEqualTo(400);
        assertThat(text.body()).contains("not an image");
        HttpResponse<String> big = upload(Images.noisyPng(400, 400), "image/png");
        // over inputs.max-bytes by its Content-Length: refused at the HTTP edge before a byte of it is read
        assertThat(big.statusCode()).as(big.body()).isEqualTo(413);
        assertThat(big.body()).contains("payload_too_large").contains("inputs.max-bytes");
        HttpResponse<String> json = upload("{}".getBytes(), "application/json");
        assertThat(json.statusCode()).isEqualTo(415);

        // a URL whose host sends the caller to another host
        images.stubFor(get(urlEqualTo("/in/redirect.png")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", elsewhere.baseUrl() + "/in/real.png")));
        elsewhere.stubFor(get(urlEqualTo("/in/real.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(Images.png(8, 8))));
        HttpResponse<String> redirected = served.http().post("/api/v1/generate", editJob("edit-redirect", "x",
                List.of(images.baseUrl() + "/in/redirect.png")).toString());
        assertThat(redirected.statusCode()).isEqualTo(400);
        assertThat(redirected.body()).contains("redirects to another host");
        assertThat(elsewhere.getAllServeEvents()).isEmpty();

        HttpResponse<String> climbing = served.http().post("/api/v1/generate", editJob("edit-climb", "x",
                List.of("../secret.png")).toString());
        assertThat(climbing.statusCode()).isEqualTo(400);
        assertThat(climbing.body()).contains("images[0]");

        assertThat(storedInputs()).isEqualTo(before);
        assertThat(served.http().get("/api/v1/generate/edit-redirect").statusCode()).isEqualTo(404);
    }

    @Test
    void should_take_an_inbox_image_with_its_job_and_move_both_out_of_the_inbox() throws Exception {
        byte[] png = Images.png(24, 16);
        Files.createDirectories(home.inbox());
        Files.write(home.inbox().resolve("photo.png"), png);
        ObjectNode job = editJob("edit-inbox", "from the inbox", List.of("photo.png"));
        job.put("backend", "local");
        Inbox.drop(home.inbox(), "edit-inbox.json", job.toString());
        JsonNode done = served.jobWhenEnded("edit-inbox");
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.at("/inputs/0/sha256").asText()).isEqualTo(sha256(png));
        assertThat(done.at("/inputs/0/source").asText()).isEqualTo("inbox:photo.png");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(home.inbox().resolve("edit-inbox.json")));
        assertThat(home.inbox().resolve("photo.png")).doesNotExist();
        assertThat(home.inbox().resolve(".done").resolve("photo.png")).exists();
    }

    @Test
    void should_refuse_an_inbox_image_that_is_a_link_and_say_why() throws Exception {
        Path outside = dir.resolve("outside.png");
        Files.write(outside, Images.png(8, 8));
        Files.createDirectories(home.inbox());
        Files.createSymbolicLink(home.inbox().resolve("linked.png"), outside);
        long before = storedInputs();
        ObjectNode job = editJob("edit-link", "through a link", List.of("linked.png"));
        job.put("backend", "local");
        Inbox.drop(home.inbox(), "edit-link.json", job.toString());
        Path reason = home.inbox().resolve(".error").resolve("edit-link.json.error.json");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(reason));
        assertThat(Files.readString(reason)).contains("symbolic link").contains("images[0]");
        assertThat(storedInputs()).isEqualTo(before);
    }
}
