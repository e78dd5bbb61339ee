package dev.toploras.local.a1111;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.generation.JobEvents;
import dev.toploras.generation.RenderedImage;
import dev.toploras.local.BackendReply;
import dev.toploras.local.LocalFailures;
import dev.toploras.local.LocalSettings;
import dev.toploras.local.RenderJob;
import dev.toploras.local.loras.LoraFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What routes/local-a1111.camel.yaml calls: the txt2img body, its reply, and the progress watcher's state. */
public final class A1111Steps {
    private final LocalSettings settings;
    private final ObjectMapper json;
    private final JobEvents events;
    private final String url;
    private final Set<String> rendering = ConcurrentHashMap.newKeySet();

    public A1111Steps(LocalSettings settings, ObjectMapper json, JobEvents events, String url) {
        this.settings = settings;
        this.json = json;
        this.events = events;
        this.url = url;
    }

    public void checkListed(int status, byte[] body, List<LoraFile> files) {
        if (files.isEmpty()) {
            return;
        }
        if (status / 100 != 2) {
            throw new LocalFailures.BackendUnavailable("a1111", url, "GET /sdapi/v1/loras answered HTTP " + status);
        }
        A1111Requests.checkListed(BackendReply.tree(json, "a1111", body, status), files, settings.lorasDir().toString(), url);
    }

    public ObjectNode txt2img(Map<String, Object> job, List<LoraFile> files) {
        RenderJob r = RenderJob.of(job);
        return A1111Requests.txt2img(json, r, settings.checkpointFor(r.modelId()), sampler(r), r.weighted(files));
    }

    /** meta.local: the parameters used (the seed A1111 reports) and the prompt with its tags. */
    public Map<String, Object> meta(Map<String, Object> job, List<LoraFile> files, List<Map<String, Object>> loras,
                                    byte[] reply) {
        RenderJob r = RenderJob.of(job);
        Map<String, Object> params = r.used(sampler(r), settings.checkpointFor(r.modelId()));
        params.put("seed", A1111Requests.seedUsed(json, BackendReply.tree(json, "a1111", reply, 200), r.seed()));
        params.put("prompt", A1111Requests.promptWithLoras(r.prompt(), r.weighted(files)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("params", params);
        m.put("loras", loras);
        return m;
    }

    public List<RenderedImage> images(int status, byte[] body, Map<String, Object> job) {
        return A1111Requests.images(status, BackendReply.tree(json, "a1111", body, status), RenderJob.of(job), url);
    }

    public void begin(String jobId) {
        rendering.add(jobId);
    }

    public void end(String jobId) {
        rendering.remove(jobId);
    }

    /** Whether the progress watcher of a job should keep looking. */
    public boolean rendering(String jobId) {
        return rendering.contains(jobId);
    }

    /** A progress event from GET /sdapi/v1/progress {progress: 0..1, eta_relative, state: {sampling_step, ...}}. */
    public void progress(String jobId, int status, byte[] body) {
        if (status / 100 != 2 || !rendering(jobId)) {
            return;
        }
        JsonNode p = BackendReply.tree(json, "a1111", body, status);
        int percent = (int) Math.round(p.path("progress").asDouble(0) * 100);
        JsonNode state = p.path("state");
        events.progress(jobId, "RENDERING_LOCAL", percent, "A1111 step " + state.path("sampling_step").asInt()
                + " of " + state.path("sampling_steps").asInt() + ", eta " + Math.round(p.path("eta_relative")
                .asDouble(0)) + " s");
    }

    public void unreachable(Exception e) {
        dev.toploras.runtime.ReplyBounds.rethrowCutOff(e);
        throw new LocalFailures.BackendUnavailable("a1111", url, e.getClass().getSimpleName() + ": "
                + e.getMessage());
    }

    private String sampler(RenderJob r) {
        return r.sampler() != null ? r.sampler() : settings.a1111Sampler();
    }


}
