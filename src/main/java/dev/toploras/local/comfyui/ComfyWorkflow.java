package dev.toploras.local.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toploras.local.LocalFailures;
import dev.toploras.local.RenderJob;
import dev.toploras.local.WeightedLora;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a user's exported API-format workflow (local.comfyui.workflow), the way to serve models whose graphs differ
 * (FLUX, Qwen-Image). A string input that is exactly a placeholder becomes the value with its type ($seed a number);
 * a placeholder inside a longer string is replaced as text. The LoRA node is the one whose lora_name is "$lora":
 * it is repeated once per LoRA, chained through its own inputs, and whatever read its outputs reads the last copy;
 * with no LoRA it is removed and its readers read what it read. Placeholders: $prompt, $negative_prompt, $seed,
 * $width, $height, $steps, $cfg, $checkpoint, $lora, $lora_weight.
 */
public final class ComfyWorkflow {
    public static final String LORA = "$lora";
    public static final String LORA_WEIGHT = "$lora_weight";

    private ComfyWorkflow() {
    }

    public static ObjectNode fill(ObjectMapper json, JsonNode template, String file, RenderJob job, String checkpoint,
                                  List<WeightedLora> loras) {
        if (template == null || !template.isObject() || template.isEmpty()) {
            throw new LocalFailures.WorkflowInvalid(file, "it is not a JSON object of nodes");
        }
        if (template.has("nodes") && template.has("links")) {
            throw new LocalFailures.WorkflowInvalid(file, "it is in the UI format (nodes/links), not the API format");
        }
        ObjectNode g = template.deepCopy();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("$negative_prompt", job.negativePrompt());
        values.put("$prompt", job.prompt());
        values.put("$seed", job.seed());
        values.put("$width", job.width());
        values.put("$height", job.height());
        values.put("$steps", job.steps());
        values.put("$cfg", job.guidance());
        values.put("$checkpoint", checkpoint);
        String loraNode = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode inputs = e.getValue().path("inputs");
            if (!inputs.isObject()) {
                throw new LocalFailures.WorkflowInvalid(file, "node " + e.getKey() + " has no inputs object");
            }
            if (LORA.equals(inputs.path("lora_name").asText(null))) {
                if (loraNode != null) {
                    throw new LocalFailures.WorkflowInvalid(file, "nodes " + loraNode + " and " + e.getKey()
                            + " both have lora_name $lora; keep one");
                }
                loraNode = e.getKey();
            } else {
                substitute(json, (ObjectNode) inputs, values);
            }
        }
        if (!loras.isEmpty() && loraNode == null) {
            throw new LocalFailures.WorkflowInvalid(file, "the job has LoRAs but no node has lora_name $lora");
        }
        if (loraNode != null) {
            expandLoras(json, g, loraNode, loras);
        }
        return g;
    }

    private static void substitute(ObjectMapper json, ObjectNode inputs, Map<String, Object> values) {
        List<String> names = new ArrayList<>();
        inputs.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode v = inputs.get(name);
            if (!v.isTextual() || !v.asText().contains("$")) {
                continue;
            }
            String s = v.asText();
            if (values.containsKey(s)) {
                inputs.set(name, json.valueToTree(values.get(s)));
                continue;
            }
            for (Map.Entry<String, Object> e : values.entrySet()) {
                s = s.replace(e.getKey(), String.valueOf(e.getValue()));
            }
            inputs.set(name, TextNode.valueOf(s));
        }
    }

    private static void expandLoras(ObjectMapper json, ObjectNode g, String id, List<WeightedLora> loras) {
        ObjectNode marker = (ObjectNode) g.get(id);
        ObjectNode markerInputs = (ObjectNode) marker.get("inputs");
        g.remove(id);
        // The links the marker reads (model, clip); each copy reads the previous copy's same output slot.
        Map<String, JsonNode> upstream = new LinkedHashMap<>();
        markerInputs.fields().forEachRemaining(e -> {
            if (e.getValue().isArray()) {
                upstream.put(e.getKey(), e.getValue());
            }
        });
        List<String> linkedNames = new ArrayList<>(upstream.keySet());
        String last = null;
        for (int i = 0; i < loras.size(); i++) {
            WeightedLora l = loras.get(i);
            String copyId = i == 0 ? id : id + "_" + (i + 1);
            ObjectNode copy = marker.deepCopy();
            ObjectNode in = (ObjectNode) copy.get("inputs");
            in.put("lora_name", l.file().fileName());
            List<String> names = new ArrayList<>();
            in.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (LORA_WEIGHT.equals(in.get(name).asText(null))) {
                    // A job's separate CLIP strength goes to the loader's clip input (LoraLoader: strength_clip).
                    in.put(name, "strength_clip".equals(name) ? l.clip() : l.weight());
                }
                if (last != null && upstream.containsKey(name)) {
                    // A LoRA loader passes through what it reads: its k-th linked input comes out as output k.
                    in.set(name, ComfyGraph.link(json, last, linkedNames.indexOf(name)));
                }
            }
            g.set(copyId, copy);
            last = copyId;
        }
        // Readers of the marker's outputs: model is output 0, clip output 1 for a LoraLoader; a reader of output i
        // reads the last copy's output i, or, with no LoRA, what the marker read in its i-th linked input.
        List<JsonNode> upstreamByOutput = new ArrayList<>(upstream.values());
        for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> node = it.next();
            if (node.getKey().equals(id) || node.getKey().startsWith(id + "_")) {
                continue;
            }
            ObjectNode in = (ObjectNode) node.getValue().get("inputs");
            List<String> names = new ArrayList<>();
            in.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = in.get(name);
                if (v.isArray() && v.size() == 2 && id.equals(v.get(0).asText())) {
                    int out = v.get(1).asInt();
                    if (last != null) {
                        in.set(name, ComfyGraph.link(json, last, out));
                    } else if (out < upstreamByOutput.size()) {
                        in.set(name, (ArrayNode) upstreamByOutput.get(out).deepCopy());
                    }
                }
            }
        }
    }
}
