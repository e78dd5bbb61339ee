package dev.toploras.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * WireMock stand-ins for ModelScope's model-files API, ComfyUI and A1111, built from the fixtures under
 * src/test/resources/{modelscope,comfyui,a1111} (their READMEs say where each field comes from).
 */
public final class LocalStubs {
    private LocalStubs() {
    }

    /** A LoRA weight file's bytes and the sha256 ModelScope lists for them. */
    public record Weight(String modelId, String file, byte[] bytes, String sha256) {
        /** The name the store keeps it under: repo name and the first 12 hex of its sha256. */
        public String storedName() {
            return modelId.substring(modelId.indexOf('/') + 1) + "-" + sha256.substring(0, 12) + ".safetensors";
        }

        public String stem() {
            return storedName().substring(0, storedName().length() - ".safetensors".length());
        }
    }

    public static Weight weight(String modelId, String file, int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return new Weight(modelId, file, b, sha256(b));
    }

    public static String fixture(String path) {
        try (InputStream in = LocalStubs.class.getResourceAsStream("/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + path, e);
        }
    }

    /** The listing and download of one LoRA repository; {@code listedSha} lets a test list a wrong hash. */
    public static void modelScope(WireMockServer ms, Weight w, String listedSha) {
        String base = "/api/v1/models/" + w.modelId() + "/repo";
        ms.stubFor(get(urlPathEqualTo(base + "/files")).willReturn(okJson(fixture("modelscope/model_files_lora.json")
                .replace("${file}", w.file()).replace("${sha256}", listedSha)
                .replace("${size}", String.valueOf(w.bytes().length)))));
        ms.stubFor(get(urlPathEqualTo(base)).withQueryParam("FilePath", equalTo(w.file()))
                .withHeader("Range", absent())
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream")
                        .withBody(w.bytes())));
    }

    public static void modelScope(WireMockServer ms, Weight w) {
        modelScope(ms, w, w.sha256());
    }

    /** What hub/file_download.py's resume gets: 206 and the bytes from {@code offset}. */
    public static void modelScopeRange(WireMockServer ms, Weight w, int offset) {
        byte[] rest = java.util.Arrays.copyOfRange(w.bytes(), offset, w.bytes().length);
        ms.stubFor(get(urlPathEqualTo("/api/v1/models/" + w.modelId() + "/repo"))
                .withQueryParam("FilePath", equalTo(w.file()))
                .withHeader("Range", equalTo("bytes=" + offset + "-"))
                .willReturn(aResponse().withStatus(206).withHeader("Content-Range", "bytes " + offset + "-"
                        + (w.bytes().length - 1) + "/" + w.bytes().length).withBody(rest)));
    }

    /**
     * A ComfyUI that accepts any prompt as {@code promptId}, lists {@code loras}, shows the prompt running, answers
     * an empty history once and then the finished one, and serves {@code png} from /view.
     */
    public static void comfy(WireMockServer c, String promptId, List<String> loras, byte[] png, String history) {
        c.stubFor(get(urlPathEqualTo("/models/loras")).willReturn(okJson(toJsonArray(loras))));
        c.stubFor(post(urlPathEqualTo("/prompt")).willReturn(okJson(fixture("comfyui/prompt_accepted.json")
                .replace("${prompt_id}", promptId))));
        c.stubFor(get(urlPathEqualTo("/queue")).willReturn(okJson(fixture("comfyui/queue_running.json")
                .replace("${prompt_id}", promptId))));
        String path = "/history/" + promptId;
        c.stubFor(get(urlPathEqualTo(path)).inScenario(promptId).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(fixture("comfyui/history_pending.json"))).willSetStateTo("ran"));
        c.stubFor(get(urlPathEqualTo(path)).inScenario(promptId).whenScenarioStateIs("ran")
                .willReturn(okJson(fixture(history).replace("${prompt_id}", promptId))));
        c.stubFor(get(urlPathEqualTo("/view")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(png)));
        c.stubFor(post(urlPathEqualTo("/queue")).willReturn(aResponse().withStatus(200)));
        c.stubFor(post(urlPathEqualTo("/interrupt")).willReturn(aResponse().withStatus(200)));
        comfyObjectInfo(c, List.of("sd_xl_base_1.0.safetensors", "flux1-dev-fp8.safetensors"));
    }

    /** The reply body of a captured envelope under comfyui/captured (its README gives the provenance). */
    public static com.fasterxml.jackson.databind.JsonNode captured(String file) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(fixture("comfyui/captured/" + file))
                    .path("response").path("body");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * GET /object_info/KSampler as captured, and GET /object_info/CheckpointLoaderSimple as captured with
     * {@code checkpoints} as its ckpt_name choices (the capture's server had only its tiny test checkpoint).
     */
    public static void comfyObjectInfo(WireMockServer c, List<String> checkpoints) {
        c.stubFor(get(urlPathEqualTo("/object_info/KSampler")).willReturn(okJson(
                captured("object_info_KSampler.json").toString())));
        com.fasterxml.jackson.databind.JsonNode loader = captured("object_info_CheckpointLoaderSimple.json");
        com.fasterxml.jackson.databind.node.ArrayNode names = (com.fasterxml.jackson.databind.node.ArrayNode)
                loader.at("/CheckpointLoaderSimple/input/required/ckpt_name/0");
        names.removeAll();
        checkpoints.forEach(names::add);
        c.stubFor(get(urlPathEqualTo("/object_info/CheckpointLoaderSimple")).willReturn(okJson(loader.toString())));
    }

    /** `serve` settings for local.backend=comfyui against these stubs (an SDXL base model mapped to a checkpoint). */
    public static java.util.Map<String, String> comfyConfig(String comfyUrl, String modelScopeUrl) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        m.put("local.backend", "comfyui");
        m.put("local.comfyui.url", comfyUrl);
        m.put("modelscope.base-url", modelScopeUrl);
        m.put("local.checkpoints", "stabilityai/stable-diffusion-xl-base-1.0=sd_xl_base_1.0.safetensors");
        m.put("local.poll-interval", "20");
        return m;
    }

    /**
     * What A1111 answers around a render: its sampler, scheduler and checkpoint lists (a1111/README.md gives the
     * source of each), this task's progress as the active one, and interrupt.
     */
    public static void a1111Lists(WireMockServer a) {
        a.stubFor(post(urlPathEqualTo("/internal/progress")).willReturn(okJson(
                fixture("a1111/internal_progress_active.json"))));
        a.stubFor(get(urlPathEqualTo("/sdapi/v1/samplers")).willReturn(okJson(fixture("a1111/samplers.json"))));
        a.stubFor(get(urlPathEqualTo("/sdapi/v1/schedulers")).willReturn(okJson(fixture("a1111/schedulers.json"))));
        a.stubFor(get(urlPathEqualTo("/sdapi/v1/sd-models")).willReturn(okJson(fixture("a1111/sd_models.json"))));
        a.stubFor(post(urlPathEqualTo("/sdapi/v1/interrupt")).willReturn(okJson("{}")));
    }

    static String toJsonArray(List<String> names) {
        StringBuilder sb = new StringBuilder("[");
        for (String n : names) {
            sb.append(sb.length() > 1 ? "," : "").append('"').append(n).append('"');
        }
        return sb.append(']').toString();
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
