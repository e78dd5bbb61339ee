package dev.toploras.local.a1111;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.inputs.InputStore;
import dev.toploras.local.LocalFailures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A job with input images on AUTOMATIC1111 / Forge: the txt2img body becomes an img2img one. From A1111's
 * modules/api/api.py ({@code Api.img2imgapi}, routed at POST /sdapi/v1/img2img; 404 "Init image not found" without
 * init_images) and modules/api/models.py ({@code StableDiffusionImg2ImgProcessingAPI}: the txt2img fields plus
 * {@code init_images}, a list of base64 images decoded by {@code decode_base64_to_image}, and
 * {@code denoising_strength}); the reply has txt2img's shape {images, parameters, info}.
 */
public final class A1111Inputs {
    /** Denoising strength when the job gives none (A1111's own img2img default). */
    public static final double DEFAULT_STRENGTH = 0.75;
    private final InputStore store;
    private final ObjectMapper json;

    public A1111Inputs(InputStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** The API path the job's body goes to: img2img when it has input images, txt2img otherwise. */
    public String endpoint(Map<String, Object> job) {
        return inputs(job).isEmpty() ? "txt2img" : "img2img";
    }

    /** The txt2img body with init_images (base64) and denoising_strength added when the job has input images. */
    @SuppressWarnings("unchecked")
    public ObjectNode withImages(ObjectNode body, Map<String, Object> job) {
        List<Map<String, Object>> inputs = inputs(job);
        if (inputs.isEmpty()) {
            return body;
        }
        ArrayNode images = body.putArray("init_images");
        for (Map<String, Object> in : inputs) {
            String sha = String.valueOf(in.get("sha256"));
            Path file = store.file(sha).orElseThrow(() -> new LocalFailures.BackendRejected("a1111", "input image "
                    + in.get("index") + " (" + sha + ") is no longer under cache/inputs/", Map.of("sha256", sha)));
            try {
                images.add(Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Object p = job.get("params");
        body.put("denoising_strength", p instanceof Map<?, ?> m && m.get("strength") instanceof Number n
                ? n.doubleValue() : DEFAULT_STRENGTH);
        return body;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> inputs(Map<String, Object> job) {
        Object v = job.get("inputs");
        return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
