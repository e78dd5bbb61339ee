package dev.toploras.local.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.local.LocalFailures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ComfyUI's replies mean, from its server.py and execution.py: POST /prompt answers 200 {prompt_id, number,
 * node_errors} or 400 {error: {type, message, details}, node_errors: {id: {errors: [...], class_type}}};
 * GET /history/{id} answers {} until the prompt ran, then {id: {prompt, outputs: {node: {images: [{filename,
 * subfolder, type}]}}, status: {status_str, completed, messages: [[event, data], ...]}}}; GET /queue answers
 * {queue_running: [[number, prompt_id, ...]], queue_pending: [...]}.
 */
public final class ComfyReplies {
    /** An image ComfyUI saved, as /view wants it named. */
    public record Output(String filename, String subfolder, String type) {
    }

    private static final java.util.regex.Pattern PROMPT_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,100}");

    private ComfyReplies() {
    }

    public static String promptId(int status, JsonNode reply, String url) {
        if (status == 200 && reply.hasNonNull("prompt_id")) {
            String id = reply.get("prompt_id").asText();
            // The id becomes a URI path (/history/{id}): reply text, so only the shape ComfyUI makes (a uuid4) passes.
            if (!PROMPT_ID.matcher(id).matches()) {
                throw new LocalFailures.BackendRejected("comfyui", "POST /prompt answered a prompt_id that is not an"
                        + " id: '" + (id.length() > 80 ? id.substring(0, 80) + "..." : id) + "'", Map.of());
            }
            return id;
        }
        if (status >= 500 || status == 0) {
            throw new LocalFailures.BackendUnavailable("comfyui", url, "HTTP " + status);
        }
        JsonNode error = reply.path("error");
        String message = error.isTextual() ? error.asText()
                : error.path("message").asText("HTTP " + status) + detailSuffix(error.path("details").asText(""));
        List<String> nodes = new ArrayList<>();
        Map<String, Object> nodeErrors = new LinkedHashMap<>();
        reply.path("node_errors").fields().forEachRemaining(e -> {
            List<String> reasons = new ArrayList<>();
            for (JsonNode r : e.getValue().path("errors")) {
                reasons.add(r.path("message").asText() + detailSuffix(r.path("details").asText("")));
            }
            String classType = e.getValue().path("class_type").asText("?");
            nodes.add(classType + " (node " + e.getKey() + "): " + String.join("; ", reasons));
            nodeErrors.put(e.getKey(), Map.of("class_type", classType, "errors", reasons));
        });
        String all = nodes.isEmpty() ? message : message + " — " + String.join(" | ", nodes);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("http_status", status);
        if (!nodeErrors.isEmpty()) {
            details.put("node_errors", nodeErrors);
        }
        throw new LocalFailures.BackendRejected("comfyui", all, details);
    }

    /** Where a prompt is in ComfyUI's queue: "running", "pending" or "absent" (finished, or never queued). */
    public static String queuePosition(String promptId, JsonNode queue) {
        if (holds(queue.path("queue_running"), promptId)) {
            return "running";
        }
        return holds(queue.path("queue_pending"), promptId) ? "pending" : "absent";
    }

    /**
     * The saved images of a finished prompt, or null while it has not finished. An execution error or an interrupt
     * fails with ComfyUI's own message.
     */
    public static List<Output> finished(String promptId, JsonNode history) {
        JsonNode entry = history.path(promptId);
        if (entry.isMissingNode() || entry.isNull()) {
            return null;
        }
        JsonNode status = entry.path("status");
        if ("error".equals(status.path("status_str").asText())) {
            for (JsonNode m : status.path("messages")) {
                String event = m.path(0).asText();
                JsonNode data = m.path(1);
                if ("execution_error".equals(event)) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("node_id", data.path("node_id").asText());
                    d.put("node_type", data.path("node_type").asText());
                    d.put("exception_type", data.path("exception_type").asText());
                    throw new LocalFailures.BackendRejected("comfyui", data.path("node_type").asText("a node")
                            + " (node " + data.path("node_id").asText("?") + ") failed: "
                            + data.path("exception_message").asText("").strip(), d);
                }
                if ("execution_interrupted".equals(event)) {
                    throw new LocalFailures.BackendRejected("comfyui", "the prompt was interrupted at "
                            + data.path("node_type").asText("a node") + " (someone pressed Cancel in ComfyUI?)",
                            Map.of("node_id", data.path("node_id").asText()));
                }
            }
            throw new LocalFailures.BackendRejected("comfyui", "the prompt ended with status error", Map.of());
        }
        if (!status.isMissingNode() && !status.isNull() && !status.path("completed").asBoolean(true)) {
            return null;
        }
        List<Output> saved = new ArrayList<>();
        List<Output> any = new ArrayList<>();
        entry.path("outputs").forEach(node -> node.path("images").forEach(img -> {
            Output o = new Output(img.path("filename").asText(), img.path("subfolder").asText(""),
                    img.path("type").asText("output"));
            any.add(o);
            if ("output".equals(o.type())) {
                saved.add(o);
            }
        }));
        List<Output> out = saved.isEmpty() ? any : saved;
        if (out.isEmpty()) {
            throw new LocalFailures.BackendRejected("comfyui", "the prompt finished without an image; the workflow"
                    + " needs a SaveImage (or PreviewImage) node", Map.of());
        }
        return out;
    }

    private static boolean holds(JsonNode items, String promptId) {
        for (JsonNode item : items) {
            if (promptId.equals(item.path(1).asText())) {
                return true;
            }
        }
        return false;
    }

    private static String detailSuffix(String details) {
        return details.isBlank() ? "" : ": " + details.strip();
    }
}
