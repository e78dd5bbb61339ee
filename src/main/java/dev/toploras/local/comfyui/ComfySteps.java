package dev.toploras.local.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.generation.RenderedImage;
import dev.toploras.local.BackendReply;
import dev.toploras.local.LocalFailures;
import dev.toploras.local.LocalSettings;
import dev.toploras.local.RenderJob;
import dev.toploras.local.WeightedLora;
import dev.toploras.local.loras.LoraFile;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What routes/local-comfyui.camel.yaml calls: the prompt to submit, and what ComfyUI's replies mean. */
public final class ComfySteps {
    private final LocalSettings settings;
    private final ObjectMapper json;
    private final String url;

    public ComfySteps(LocalSettings settings, ObjectMapper json, String url) {
        this.settings = settings;
        this.json = json;
        this.url = url;
    }

    /**
     * ComfyUI lists models/loras afresh when the folder changed (folder_paths caches by mtime), so asking for the
     * list both rescans and confirms it sees the files. An older ComfyUI without GET /models/loras (404) is trusted.
     */
    public void checkListed(int status, byte[] body, List<LoraFile> files) {
        if (files.isEmpty() || status == 404) {
            return;
        }
        if (status / 100 != 2) {
            throw new LocalFailures.BackendUnavailable("comfyui", url, "GET /models/loras answered HTTP " + status);
        }
        Set<String> names = new HashSet<>();
        try {
            json.readTree(body).forEach(n -> names.add(n.asText().replace('\\', '/')));
        } catch (IOException e) {
            throw new LocalFailures.BackendRejected("comfyui", "GET /models/loras did not answer JSON", Map.of());
        }
        for (LoraFile f : files) {
            if (!names.contains(f.fileName())) {
                throw new LocalFailures.BackendRejected("comfyui", "ComfyUI does not list the LoRA " + f.fileName()
                        + " in its loras folder: set local.loras-dir (" + f.path().getParent() + ") to ComfyUI's"
                        + " models/loras, or add that folder to ComfyUI's extra_model_paths.yaml",
                        Map.of("lora", f.fileName()));
            }
        }
    }

    /** The POST /prompt body: the built graph, or the user's workflow filled in. */
    public ObjectNode prompt(Map<String, Object> job, List<LoraFile> files) {
        RenderJob r = RenderJob.of(job);
        String checkpoint = settings.checkpointFor(r.modelId());
        List<WeightedLora> loras = r.weighted(files);
        ObjectNode graph;
        if (settings.comfyWorkflow() != null) {
            String file = settings.comfyWorkflow().toString();
            JsonNode template;
            try {
                template = json.readTree(Files.readAllBytes(settings.comfyWorkflow()));
            } catch (IOException e) {
                throw new LocalFailures.WorkflowInvalid(file, "it cannot be read as JSON (" + e.getMessage() + ")");
            }
            graph = ComfyWorkflow.fill(json, template, file, r, checkpoint, loras);
        } else {
            graph = ComfyGraph.build(json, r, checkpoint, sampler(r), settings.scheduler(), loras);
        }
        ObjectNode body = json.createObjectNode();
        body.set("prompt", graph);
        body.put("client_id", "top-loras-" + r.jobId());
        return body;
    }

    /** meta.local: the parameters used and which graph ran. */
    public Map<String, Object> meta(Map<String, Object> job, List<Map<String, Object>> loras) {
        RenderJob r = RenderJob.of(job);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("params", r.used(sampler(r), settings.checkpointFor(r.modelId())));
        m.put("workflow", settings.comfyWorkflow() == null ? "built-in" : settings.comfyWorkflow().toString());
        m.put("loras", loras);
        return m;
    }

    public String accepted(int status, byte[] body) {
        return ComfyReplies.promptId(status, BackendReply.tree(json, "comfyui", body, status), url);
    }

    /** "running", "pending" or "absent", from GET /queue. */
    public String position(String promptId, int status, byte[] body) {
        return status / 100 == 2 ? ComfyReplies.queuePosition(promptId, BackendReply.tree(json, "comfyui", body, status)) : "absent";
    }

    /** The images once the prompt finished, else null. */
    public List<ComfyReplies.Output> finished(String promptId, int status, byte[] body) {
        if (status / 100 != 2) {
            throw new LocalFailures.BackendUnavailable("comfyui", url, "GET /history answered HTTP " + status);
        }
        return ComfyReplies.finished(promptId, BackendReply.tree(json, "comfyui", body, status));
    }

    public void checkTimeout(long startNanos) {
        if (System.nanoTime() - startNanos > settings.timeout().toNanos()) {
            throw new LocalFailures.RenderTimeout("comfyui", settings.timeout().toString());
        }
    }

    /** The query of GET /view for a saved image. */
    public String viewQuery(ComfyReplies.Output o) {
        return "filename=" + enc(o.filename()) + "&subfolder=" + enc(o.subfolder()) + "&type=" + enc(o.type());
    }

    public RenderedImage image(byte[] bytes, int status, Map<String, Object> job, ComfyReplies.Output o) {
        if (status / 100 != 2) {
            throw new LocalFailures.BackendRejected("comfyui", "GET /view of " + o.filename() + " answered HTTP "
                    + status, Map.of("filename", o.filename()));
        }
        RenderJob r = RenderJob.of(job);
        return new RenderedImage(bytes, "image/png", r.width(), r.height());
    }

    public void unreachable(Exception e) {
        dev.toploras.runtime.ReplyBounds.rethrowCutOff(e);
        throw new LocalFailures.BackendUnavailable("comfyui", url, e.getClass().getSimpleName() + ": "
                + e.getMessage());
    }

    /** The POST /queue body that takes a pending prompt off ComfyUI's queue. */
    public Map<String, Object> dequeue(String promptId) {
        return Map.of("delete", List.of(promptId));
    }

    private String sampler(RenderJob r) {
        return r.sampler() != null ? r.sampler() : settings.sampler();
    }



    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
