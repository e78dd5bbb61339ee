package dev.toploras.local.a1111;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.generation.RenderedImage;
import dev.toploras.local.LocalFailures;
import dev.toploras.local.RenderJob;
import dev.toploras.local.WeightedLora;
import dev.toploras.local.loras.LoraFile;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * AUTOMATIC1111 / Forge txt2img, from its modules/api/api.py and models.py and the built-in Lora extension
 * (extensions-builtin/Lora/scripts/lora_script.py): a LoRA is applied by writing {@code <lora:name:weight>} into the
 * prompt, where name is a file stem (or alias) that GET /sdapi/v1/loras lists as [{name, alias, path, metadata}].
 */
public final class A1111Requests {
    private A1111Requests() {
    }

    /** The prompt with one {@code <lora:name:weight>} tag per LoRA, in the job's order. */
    public static String promptWithLoras(String prompt, List<WeightedLora> loras) {
        StringBuilder sb = new StringBuilder(prompt == null ? "" : prompt.strip());
        for (WeightedLora l : loras) {
            // <lora:name:te:unet>; one number sets both (extensions-builtin/Lora/extra_networks_lora.py).
            sb.append(sb.isEmpty() ? "" : " ").append("<lora:").append(l.file().stem()).append(':');
            if (l.clip() != l.weight()) {
                sb.append(weight(l.clip())).append(':');
            }
            sb.append(weight(l.weight())).append('>');
        }
        return sb.toString();
    }

    /** Fails, naming the folder to fix, when A1111 does not list one of the LoRA files. */
    public static void checkListed(JsonNode listed, List<LoraFile> files, String lorasDir, String url) {
        if (!listed.isArray()) {
            throw new LocalFailures.BackendRejected("a1111", url + "/sdapi/v1/loras did not answer a list; is the"
                    + " built-in Lora extension enabled?", Map.of());
        }
        Set<String> names = new HashSet<>();
        for (JsonNode n : listed) {
            names.add(n.path("name").asText());
            names.add(n.path("alias").asText());
        }
        for (LoraFile f : files) {
            if (f.path() == null && !names.contains(f.stem())) {
                throw new LocalFailures.BackendRejected("a1111", "A1111 has no LoRA '" + f.stem() + "' installed;"
                        + " GET /api/v1/local/loras lists the ones it has", Map.of("lora", f.stem()));
            }
            if (!names.contains(f.stem())) {
                throw new LocalFailures.BackendRejected("a1111", "A1111 does not list the LoRA " + f.stem()
                        + " after a refresh: set local.loras-dir (" + lorasDir + ") to A1111's models/Lora folder"
                        + " (or start A1111 with --lora-dir pointing at it)",
                        Map.of("lora", f.stem(), "loras_dir", lorasDir));
            }
        }
    }

    public static ObjectNode txt2img(ObjectMapper json, RenderJob job, String checkpoint, String sampler,
                                     List<WeightedLora> loras) {
        ObjectNode b = json.createObjectNode();
        b.put("prompt", promptWithLoras(job.prompt(), loras));
        b.put("negative_prompt", job.negativePrompt());
        b.put("seed", job.seed());
        b.put("steps", job.steps());
        b.put("cfg_scale", job.guidance());
        b.put("width", job.width());
        b.put("height", job.height());
        b.put("sampler_name", sampler);
        b.put("batch_size", 1);
        b.put("n_iter", 1);
        b.put("send_images", true);
        b.put("save_images", false);
        b.putObject("override_settings").put("sd_model_checkpoint", checkpoint);
        return b;
    }

    /** The images of a txt2img reply {images: [base64...], parameters, info: "<json string>"}. */
    public static List<RenderedImage> images(int status, JsonNode reply, RenderJob job, String url) {
        if (status >= 500 && !reply.has("error") || status == 0) {
            throw new LocalFailures.BackendUnavailable("a1111", url, "HTTP " + status);
        }
        if (status / 100 != 2) {
            throw rejected(status, reply);
        }
        List<RenderedImage> out = new ArrayList<>();
        for (JsonNode img : reply.path("images")) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(img.asText().replaceFirst("^data:image/[a-z]+;base64,", ""));
            } catch (IllegalArgumentException e) {
                throw new LocalFailures.BackendRejected("a1111", "an image of the reply is not base64", Map.of());
            }
            out.add(new RenderedImage(bytes, mime(bytes), job.width(), job.height()));
        }
        if (out.isEmpty()) {
            throw new LocalFailures.BackendRejected("a1111", "txt2img answered without an image (interrupted?)",
                    Map.of());
        }
        return out;
    }

    /** The info of a txt2img reply, a JSON document in a string (processing.py Processed.js); empty if unreadable. */
    public static JsonNode info(ObjectMapper json, JsonNode reply) {
        try {
            JsonNode info = json.readTree(reply.path("info").asText("{}"));
            return info == null ? json.createObjectNode() : info;
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }

    /**
     * An error reply as api.py's handle_exception writes it: {error: type name, detail, body, errors: str(e)}, with
     * the exception's status (404 "Sampler not found", 422 validation, 500 anything else).
     */
    public static LocalFailures.BackendRejected rejected(int status, JsonNode reply) {
        String detail = reply.path("detail").isTextual() ? reply.path("detail").asText()
                : reply.path("detail").toString();
        String what = !detail.isBlank() && !"\"\"".equals(detail) ? detail : reply.path("errors").asText("HTTP " + status);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("http_status", status);
        d.put("error", reply.path("error").asText(""));
        return new LocalFailures.BackendRejected("a1111", what, d);
    }

    private static String weight(double w) {
        String s = String.format(Locale.ROOT, "%.3f", w).replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }

    private static String mime(byte[] b) {
        if (b.length > 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
            return "image/jpeg";
        }
        if (b.length > 11 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "image/webp";
        }
        return "image/png";
    }
}
