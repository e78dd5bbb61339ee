package dev.toploras.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edit job with an uploaded PNG on the local backends: ComfyUI gets the image through /upload/image and a graph
 * that loads the name its reply gave (upload_image_duplicate_other_bytes.json: not the name sent) with denoise =
 * strength, as prompt_img2img.request.json; A1111 gets img2img with the image in init_images and the strength as
 * denoising_strength (modules/api/api.py img2imgapi, models.py StableDiffusionImg2ImgProcessingAPI).
 */
class LocalInputImagesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    WireMockServer backend;
    Stubs.Served served;
    byte[] input = Images.png(40, 30);
    byte[] output = Images.png(128, 96);

    @TempDir
    Path home;

    @BeforeEach
    void stub() {
        backend = Stubs.wireMock();
    }

    @AfterEach
    void stop() {
        if (served != null) {
            served.runtime().close();
        }
        backend.stop();
    }

    Map<String, String> config(String kind) {
        Map<String, String> m = new HashMap<>();
        m.put("local.backend", kind);
        m.put("local." + kind + ".url", backend.baseUrl());
        m.put("local.checkpoints", "stabilityai/stable-diffusion-xl-base-1.0=sd_xl_base_1.0.safetensors");
        m.put("local.poll-interval", "20");
        return m;
    }

    String uploadAndSubmit(String id) throws Exception {
        HttpResponse<String> up = served.http().upload(input, "image/png");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        String uploadId = JSON.readTree(up.body()).path("upload_id").asText();
        Map<String, Object> j = new HashMap<>();
        j.put("job_id", id);
        j.put("task", "image-to-image");
        j.put("model_id", "stabilityai/stable-diffusion-xl-base-1.0");
        j.put("images", List.of("upload:" + uploadId));
        j.put("params", Map.of("prompt", "the heron in ink", "size", "128x96", "seed", 7, "strength", 0.6));
        j.put("backend", "local");
        HttpResponse<String> r = served.http().post("/api/v1/generate", JSON.writeValueAsString(j));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return uploadId;
    }

    @Test
    void should_upload_the_image_to_comfyui_and_load_the_name_it_answers_with_denoise_as_strength() throws Exception {
        LocalStubs.comfy(backend, "p-img", List.of(), output, "comfyui/history_success.json");
        backend.stubFor(post(urlPathEqualTo("/upload/image")).willReturn(okJson(JSON.readTree(
                LocalStubs.fixture("comfyui/upload_image_duplicate_other_bytes.json")).path("response").path("body")
                .toString())));
        served = Stubs.serve(home, config("comfyui"));

        String sha = uploadAndSubmit("ci-1");
        JsonNode doc = served.jobWhenEnded("ci-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(doc.at("/inputs/0/sha256").asText()).isEqualTo(sha);
        LoggedRequest upload = backend.findAll(postRequestedFor(urlPathEqualTo("/upload/image"))).get(0);
        assertThat(upload.getPart("image").getBody().asBytes()).isEqualTo(input);
        JsonNode graph = JSON.readTree(backend.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(0)
                .getBodyAsString()).path("prompt");
        String load = null;
        String encode = null;
        for (var it = graph.fields(); it.hasNext(); ) {
            var n = it.next();
            switch (n.getValue().path("class_type").asText()) {
                case "LoadImage" -> load = n.getKey();
                case "VAEEncode" -> encode = n.getKey();
                case "EmptyLatentImage" -> throw new AssertionError("an image-to-image graph has no empty latent");
                default -> { }
            }
        }
        assertThat(load).isNotNull();
        assertThat(graph.at("/" + load + "/inputs/image").asText()).isEqualTo("fixture-input (1).png");
        assertThat(graph.at("/" + encode + "/inputs/pixels/0").asText()).isEqualTo(load);
        assertThat(graph.at("/3/inputs/latent_image/0").asText()).isEqualTo(encode);
        assertThat(graph.at("/3/inputs/denoise").asDouble()).isEqualTo(0.6);
    }

    @Test
    void should_send_img2img_with_the_image_and_the_strength_to_a1111() throws Exception {
        backend.stubFor(get(urlPathEqualTo("/sdapi/v1/loras")).willReturn(okJson("[]")));
        backend.stubFor(post(urlPathEqualTo("/sdapi/v1/refresh-loras")).willReturn(okJson("null")));
        LocalStubs.a1111Lists(backend);
        backend.stubFor(post(urlPathEqualTo("/sdapi/v1/img2img")).willReturn(okJson(
                LocalStubs.fixture("a1111/txt2img_reply.json")
                        .replace("${png_base64}", Base64.getEncoder().encodeToString(output))
                        .replace("${prompt}", "the heron in ink"))));
        backend.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(aResponse().withStatus(500)));
        served = Stubs.serve(home, config("a1111"));

        String sha = uploadAndSubmit("ai-1");
        JsonNode doc = served.jobWhenEnded("ai-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(doc.at("/inputs/0/sha256").asText()).isEqualTo(sha);
        JsonNode body = JSON.readTree(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/img2img"))).get(0)
                .getBodyAsString());
        assertThat(Base64.getDecoder().decode(body.at("/init_images/0").asText())).isEqualTo(input);
        assertThat(body.path("denoising_strength").asDouble()).isEqualTo(0.6);
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img")))).isEmpty();
    }
}
