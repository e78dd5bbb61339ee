package dev.toploras.local.comfyui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.generation.RenderedImage;
import dev.toploras.local.BackendReply;
import dev.toploras.local.LocalFailures;
import dev.toploras.local.LocalSettings;
import dev.toploras.local.RenderJob;
import dev.toploras.local.SamplerNames;
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
            if (f.path() == null && !names.contains(f.fileName())) {
                throw new LocalFailures.BackendRejected("comfyui", "ComfyUI has no LoRA '" + f.fileName() + "' installed;"
                        + " GET /api/v1/local/loras lists the ones it has", Map.of("lora", f.fileName()));
            }
            if (!names.contains(f.fileName())) {
                throw new LocalFailures.BackendRejected("comfyui", "ComfyUI does not list the LoRA " + f.fileName()
                        + " in its loras folder: set local.loras-dir (" + f.path().getParent() + ") to ComfyUI's"
                        + " models/loras, or add that folder to ComfyUI's extra_model_paths.yaml",
                        Map.of("lora", f.fileName()));
            }
        }
    }

    /**
     * The job with params.sampler and params.scheduler as ComfyUI spells them, checked against the lists of
     * GET /object_info/KSampler (input.required.sampler_name[0] and scheduler[0], as the captured reply shows); a
     * name ComfyUI does not have fails the job listing the ones it has. A user's workflow sets its own sampler.
     */
    public Map<String, Object> withSampling(Map<String, Object> job, int status, byte[] body) {
        if (settings.comfyWorkflow() != null) {
            return job;
        }
        JsonNode required = objectInfo(status, body, "KSampler");
        String sampler = sampler(RenderJob.of(job));
        String scheduler = RenderJob.scheduler(job);
        String[] both = scheduler == null ? SamplerNames.composite(sampler) : null;
        if (both != null) {
            sampler = both[0];
            scheduler = both[1];
        }
        scheduler = scheduler != null ? scheduler : settings.scheduler();
        return RenderJob.withSampling(job,
                SamplerNames.resolve(new SamplerNames.Lookup("comfyui", "sampler"), sampler,
                        choices(required.path("sampler_name")), SamplerNames.A1111_SAMPLERS),
                SamplerNames.resolve(new SamplerNames.Lookup("comfyui", "scheduler"), scheduler,
                        choices(required.path("scheduler")), SamplerNames.A1111_SCHEDULERS));
    }

    /**
     * Fails before anything is queued when ComfyUI has no file of the mapped checkpoint (GET
     * /object_info/CheckpointLoaderSimple, input.required.ckpt_name[0]); a user's workflow loads its own models.
     */
    public void checkCheckpoint(Map<String, Object> job, int status, byte[] body) {
        if (settings.comfyWorkflow() != null) {
            return;
        }
        String checkpoint = settings.checkpointFor(RenderJob.of(job).modelId());
        List<String> files = choices(objectInfo(status, body, "CheckpointLoaderSimple").path("ckpt_name")).stream()
                .map(f -> f.replace('\\', '/')).toList();
        if (!files.contains(checkpoint.replace('\\', '/'))) {
            throw new LocalFailures.CheckpointMissing("comfyui", checkpoint, files);
        }
    }

    private JsonNode objectInfo(int status, byte[] body, String nodeClass) {
        if (status / 100 != 2) {
            throw new LocalFailures.BackendUnavailable("comfyui", url, "GET /object_info/" + nodeClass
                    + " answered HTTP " + status);
        }
        JsonNode required = BackendReply.tree(json, "comfyui", body, status).path(nodeClass).path("input")
                .path("required");
        if (required.isMissingNode()) {
            throw new LocalFailures.BackendRejected("comfyui", "ComfyUI has no node " + nodeClass, Map.of());
        }
        return required;
    }

    /** A COMBO input's choices: [[choice, ...], {options}]. */
    private static List<String> choices(JsonNode input) {
        List<String> out = new java.util.ArrayList<>();
        input.path(0).forEach(c -> out.add(c.asText()));
        return out;
    }

    /** For GET /api/v1/local/samplers: ComfyUI's sampler and scheduler lists from GET /object_info/KSampler. */
    public Map<String, Object> names(int status, byte[] body) {
        JsonNode required = objectInfo(status, body, "KSampler");
        return Map.of("samplers", choices(required.path("sampler_name")), "schedulers",
                choices(required.path("scheduler")));
    }

    /** For GET /api/v1/local/loras: ComfyUI's GET /models/loras. */
    public List<Map<String, Object>> installed(int status, byte[] body) {
        if (status / 100 != 2) {
            throw new LocalFailures.BackendUnavailable("comfyui", url, "GET /models/loras answered HTTP " + status);
        }
        return dev.toploras.local.InstalledLoras.fromComfy(BackendReply.tree(json, "comfyui", body, status));
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
            graph = ComfyWorkflow.fill(json, ComfyInputs.fillImages(template, file, ComfyInputs.names(job)), file,
                    r, checkpoint, loras);
        } else {
            graph = ComfyGraph.build(json, r, checkpoint, sampler(r), scheduler(job), loras);
            if (!ComfyInputs.names(job).isEmpty()) {
                ComfyInputs.toImageToImage(json, graph, ComfyInputs.names(job),
                        dev.toploras.local.LocalInputs.strength(job));
            }
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
        Map<String, Object> params = r.used(sampler(r), settings.checkpointFor(r.modelId()));
        params.put("scheduler", scheduler(job));
        m.put("params", params);
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

    /** GET /view's answer for one output: its bytes, or the job fails on any status but 2xx. */
    public byte[] viewed(byte[] bytes, int status, ComfyReplies.Output o) {
        if (status / 100 != 2) {
            throw new LocalFailures.BackendRejected("comfyui", "GET /view of " + o.filename() + " answered HTTP "
                    + status, Map.of("filename", o.filename()));
        }
        return bytes;
    }

    /** One output's bytes as a rendered image, at the job's size (the stored record reads the real one). */
    public RenderedImage image(byte[] bytes, Map<String, Object> job) {
        RenderJob r = RenderJob.of(job);
        return new RenderedImage(bytes, "image/png", r.width(), r.height());
    }

    /** The failure mapping of this backend's calls (local-http-call's {@code failures}). */
    public void unreachable(Exception e, String server) {
        throw LocalFailures.unreachable("comfyui", server, e);
    }

    /** The POST /queue body that takes a pending prompt off ComfyUI's queue. */
    public Map<String, Object> dequeue(String promptId) {
        return Map.of("delete", List.of(promptId));
    }

    /**
     * The POST /interrupt body that stops this prompt only: server.py's interrupt handler interrupts when the
     * prompt_id is the one running and does nothing otherwise (an empty body would stop whatever runs).
     */
    public Map<String, Object> interrupt(String promptId) {
        return Map.of("prompt_id", promptId);
    }

    private String sampler(RenderJob r) {
        return r.sampler() != null ? r.sampler() : settings.sampler();
    }

    private String scheduler(Map<String, Object> job) {
        String s = RenderJob.scheduler(job);
        return s != null ? s : settings.scheduler();
    }



    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
