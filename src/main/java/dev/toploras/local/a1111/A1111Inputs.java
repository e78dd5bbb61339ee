package dev.toploras.local.a1111;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.inputs.InputStore;
import dev.toploras.local.LocalInputs;
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
    private final InputStore store;

    public A1111Inputs(InputStore store) {
        this.store = store;
    }

    /** The API path the job's body goes to: img2img when it has input images, txt2img otherwise. */
    public String endpoint(Map<String, Object> job) {
        return LocalInputs.of(job).isEmpty() ? "txt2img" : "img2img";
    }

    /** The txt2img body with init_images (base64) and denoising_strength added when the job has input images. */
    public ObjectNode withImages(ObjectNode body, Map<String, Object> job) {
        List<Map<String, Object>> inputs = LocalInputs.of(job);
        if (inputs.isEmpty()) {
            return body;
        }
        ArrayNode images = body.putArray("init_images");
        for (Map<String, Object> in : inputs) {
            images.add(Base64.getEncoder().encodeToString(LocalInputs.bytes(store, "a1111", in)));
        }
        body.put("denoising_strength", LocalInputs.strength(job));
        return body;
    }
}
