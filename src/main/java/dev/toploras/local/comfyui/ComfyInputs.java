package dev.toploras.local.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toploras.inputs.InputStore;
import dev.toploras.local.BackendReply;
import dev.toploras.local.LocalFailures;
import dev.toploras.local.LocalInputs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;

/**
 * A job's input images on ComfyUI (routes/local-comfyui-inputs.camel.yaml): each is uploaded through ComfyUI's own
 * {@code POST /upload/image} (multipart field {@code image}, server.py {@code upload_image}), and the graph reads it
 * with LoadImage. Facts from the captured replies (shared fixtures upload_image_*.json, prompt_img2img*.json):
 * the reply {@code {"name", "subfolder", "type": "input"}} names the file to use, which is not always the name sent
 * (same name, other bytes: "name (1).png"); a subfolder upload is read as "subfolder/name". Files are sent under
 * their content hash, so the same image is one file on ComfyUI however many jobs use it.
 */
public final class ComfyInputs {
    /** The job Map key the uploaded names are kept under between the upload and the graph. */
    public static final String NAMES = "comfy_inputs";
    private final InputStore store;
    private final ObjectMapper json;

    public ComfyInputs(InputStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** How many input images the job has (the upload loop's count). */
    public int count(Map<String, Object> job) {
        return LocalInputs.of(job).size();
    }

    /** The multipart body of one upload: the stored image under its hash name, into ComfyUI's input folder. */
    public HttpEntity form(Map<String, Object> job, int index) {
        Map<String, Object> in = LocalInputs.of(job).get(index);
        String mime = String.valueOf(in.get("mime"));
        String ext = mime.equals("image/jpeg") ? "jpg" : mime.substring(mime.indexOf('/') + 1);
        return MultipartEntityBuilder.create()
                .addBinaryBody("image", LocalInputs.bytes(store, "comfyui", in), ContentType.create(mime),
                        "toploras-" + in.get("sha256") + "." + ext)
                .addTextBody("type", "input")
                .build();
    }

    /** Reads an upload reply and keeps the name LoadImage must use in the job Map. */
    @SuppressWarnings("unchecked")
    public void uploaded(int status, byte[] body, Map<String, Object> job) {
        JsonNode reply = BackendReply.tree(json, "comfyui", body, status);
        String name = reply.path("name").asText("");
        if (status != 200 || name.isEmpty()) {
            throw new LocalFailures.BackendRejected("comfyui", "POST /upload/image answered " + status + ": "
                    + (body == null ? "" : new String(body, java.nio.charset.StandardCharsets.UTF_8)), Map.of());
        }
        String sub = reply.path("subfolder").asText("");
        List<String> names = (List<String>) job.computeIfAbsent(NAMES, k -> new ArrayList<String>());
        names.add(sub.isEmpty() ? name : sub + "/" + name);
    }

    /** The names uploaded for this job (empty for a text-to-image job). */
    @SuppressWarnings("unchecked")
    static List<String> names(Map<String, Object> job) {
        Object n = job.get(NAMES);
        return n instanceof List<?> l ? (List<String>) l : List.of();
    }

    /**
     * The built-in graph made image-to-image: its empty latent (node 5 of {@link ComfyGraph}) becomes LoadImage →
     * VAEEncode on the checkpoint's VAE, and KSampler's denoise is the job's strength, as prompt_img2img.request.json
     * has it.
     */
    static void toImageToImage(ObjectMapper json, ObjectNode graph, List<String> names, double strength) {
        graph.remove("5");
        ObjectNode load = graph.putObject("10");
        load.put("class_type", "LoadImage");
        load.putObject("inputs").put("image", names.get(0));
        ObjectNode encode = graph.putObject("5");
        encode.put("class_type", "VAEEncode");
        ObjectNode in = encode.putObject("inputs");
        in.set("pixels", ComfyGraph.link(json, "10", 0));
        in.set("vae", ComfyGraph.link(json, "4", 2));
        ((ObjectNode) graph.path("3").path("inputs")).put("denoise", strength);
    }

    /**
     * A user workflow's image placeholders: an input whose value is exactly {@code $image}, {@code $image_2} or
     * {@code $image_3} becomes that uploaded name; one the job has no image for is an error naming it.
     */
    static ObjectNode fillImages(JsonNode template, String file, List<String> names) {
        if (template == null || !template.isObject()) {
            return null;
        }
        ObjectNode g = template.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
            JsonNode inputs = it.next().getValue().path("inputs");
            if (!inputs.isObject()) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            inputs.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                String v = inputs.get(k).isTextual() ? inputs.get(k).asText() : "";
                int index = switch (v) {
                    case "$image" -> 0;
                    case "$image_2" -> 1;
                    case "$image_3" -> 2;
                    default -> -1;
                };
                if (index < 0) {
                    continue;
                }
                if (index >= names.size()) {
                    throw new LocalFailures.WorkflowInvalid(file, "it reads " + v + " but the job has "
                            + names.size() + " input image(s); send them in \"images\"");
                }
                ((ObjectNode) inputs).set(k, TextNode.valueOf(names.get(index)));
            }
        }
        return g;
    }
}
