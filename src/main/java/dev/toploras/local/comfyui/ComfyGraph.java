package dev.toploras.local.comfyui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.local.RenderJob;
import dev.toploras.local.WeightedLora;
import java.util.List;

/**
 * Builds ComfyUI's API-format prompt (node id -> {class_type, inputs}; a link is [node id, output index]) for a
 * plain text-to-image job: checkpoint, one LoraLoader per LoRA chained on model and clip, prompt and negative prompt,
 * an empty latent of the job's size, KSampler, VAE decode, SaveImage. Node classes and input names are those of
 * ComfyUI's nodes.py (CheckpointLoaderSimple outputs MODEL, CLIP, VAE; LoraLoader outputs MODEL, CLIP).
 */
public final class ComfyGraph {
    /** The node whose output images the history reports. */
    public static final String SAVE_NODE = "9";

    private ComfyGraph() {
    }

    public static ObjectNode build(ObjectMapper json, RenderJob job, String checkpoint, String sampler,
                                   String scheduler, List<WeightedLora> loras) {
        ObjectNode g = json.createObjectNode();
        node(g, "4", "CheckpointLoaderSimple").put("ckpt_name", checkpoint);
        String modelFrom = "4";
        String clipFrom = "4";
        int clipIndex = 1;
        int n = 0;
        for (WeightedLora l : loras) {
            String id = "lora" + (++n);
            ObjectNode in = node(g, id, "LoraLoader");
            in.set("model", link(json, modelFrom, 0));
            in.set("clip", link(json, clipFrom, clipIndex));
            in.put("lora_name", l.file().fileName());
            in.put("strength_model", l.weight());
            in.put("strength_clip", l.clip());
            modelFrom = id;
            clipFrom = id;
            clipIndex = 1;
        }
        ObjectNode pos = node(g, "6", "CLIPTextEncode");
        pos.put("text", job.prompt());
        pos.set("clip", link(json, clipFrom, clipIndex));
        ObjectNode neg = node(g, "7", "CLIPTextEncode");
        neg.put("text", job.negativePrompt());
        neg.set("clip", link(json, clipFrom, clipIndex));
        ObjectNode latent = node(g, "5", "EmptyLatentImage");
        latent.put("width", job.width());
        latent.put("height", job.height());
        latent.put("batch_size", 1);
        ObjectNode k = node(g, "3", "KSampler");
        k.put("seed", job.seed());
        k.put("steps", job.steps());
        k.put("cfg", job.guidance());
        k.put("sampler_name", sampler);
        k.put("scheduler", scheduler);
        k.put("denoise", 1.0);
        k.set("model", link(json, modelFrom, 0));
        k.set("positive", link(json, "6", 0));
        k.set("negative", link(json, "7", 0));
        k.set("latent_image", link(json, "5", 0));
        ObjectNode decode = node(g, "8", "VAEDecode");
        decode.set("samples", link(json, "3", 0));
        decode.set("vae", link(json, "4", 2));
        ObjectNode save = node(g, SAVE_NODE, "SaveImage");
        save.put("filename_prefix", "toploras/" + job.jobId());
        save.set("images", link(json, "8", 0));
        return g;
    }

    private static ObjectNode node(ObjectNode g, String id, String classType) {
        ObjectNode n = g.putObject(id);
        n.put("class_type", classType);
        return n.putObject("inputs");
    }

    static ArrayNode link(ObjectMapper json, String node, int output) {
        return json.createArrayNode().add(node).add(output);
    }
}
