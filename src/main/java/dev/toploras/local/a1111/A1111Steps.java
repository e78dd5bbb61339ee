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
import dev.toploras.local.SamplerNames;
import dev.toploras.local.loras.LoraFile;
import java.util.ArrayList;
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
    /** Per rendering job: what /internal/progress last said of its task (active, queued, completed, unknown). */
    private final Map<String, String> taskState = new ConcurrentHashMap<>();
    private final Set<String> cancelWanted = ConcurrentHashMap.newKeySet();

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

    /**
     * The job with params.sampler as A1111 names it, checked against GET /sdapi/v1/samplers (api.py get_samplers:
     * [{name, aliases, options}]; an alias such as k_euler_a is sent as its name).
     */
    public Map<String, Object> withSampler(Map<String, Object> job, int status, byte[] body) {
        JsonNode listed = listed(status, body, "/sdapi/v1/samplers");
        List<String> names = new ArrayList<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        for (JsonNode s : listed) {
            String name = s.path("name").asText();
            names.add(name);
            s.path("aliases").forEach(a -> aliases.put(a.asText(), name));
        }
        String requested = sampler(RenderJob.of(job));
        requested = aliases.getOrDefault(requested, requested);
        String scheduler = RenderJob.scheduler(job);
        String[] both = !names.contains(requested) && scheduler == null ? SamplerNames.composite(requested) : null;
        if (both != null) {
            // "DPM++ 2M Karras" on an A1111 that lists "DPM++ 2M" and a karras scheduler (1.9 and later).
            requested = both[0];
            scheduler = both[1];
        }
        return RenderJob.withSampling(job, SamplerNames.resolve(new SamplerNames.Lookup("a1111", "sampler"),
                requested, names, SamplerNames.A1111_SAMPLERS), scheduler);
    }

    /**
     * The job with params.scheduler as A1111 names it, checked against GET /sdapi/v1/schedulers (api.py
     * get_schedulers, A1111 1.9 and later: [{name, label, aliases, ...}]; sd_schedulers.py looks a scheduler up by
     * name or label). A job without a scheduler leaves A1111's automatic choice.
     */
    public Map<String, Object> withScheduler(Map<String, Object> job, int status, byte[] body) {
        String requested = RenderJob.scheduler(job);
        if (requested == null) {
            return job;
        }
        if (status == 404) {
            throw new LocalFailures.BackendRejected("a1111", "this A1111 has no schedulers (GET /sdapi/v1/schedulers"
                    + " is 404; they came with 1.9): leave params.scheduler out, or name it in the sampler (e.g."
                    + " 'DPM++ 2M Karras')", Map.of("scheduler", requested));
        }
        List<String> names = new ArrayList<>();
        Map<String, String> byLabel = new LinkedHashMap<>();
        for (JsonNode s : listed(status, body, "/sdapi/v1/schedulers")) {
            names.add(s.path("name").asText());
            byLabel.put(s.path("label").asText(), s.path("name").asText());
            s.path("aliases").forEach(a -> byLabel.put(a.asText(), s.path("name").asText()));
        }
        requested = byLabel.getOrDefault(requested, requested);
        return RenderJob.withSampling(job, sampler(RenderJob.of(job)), SamplerNames.resolve(
                new SamplerNames.Lookup("a1111", "scheduler"), requested, names, SamplerNames.A1111_SCHEDULERS));
    }

    /**
     * Fails before rendering when A1111 has no checkpoint by the mapped name: processing.py drops an
     * override_settings.sd_model_checkpoint that matches no alias and renders with whatever is loaded. GET
     * /sdapi/v1/sd-models answers [{title, model_name, hash, sha256, filename, config}] (api.py get_sd_models);
     * sd_models.py CheckpointInfo registers the title ("name [hash]"), the name (path under models/Stable-diffusion),
     * model_name and the hashes as aliases.
     */
    public void checkCheckpoint(Map<String, Object> job, int status, byte[] body) {
        String checkpoint = settings.checkpointFor(RenderJob.of(job).modelId());
        Set<String> aliases = new java.util.HashSet<>();
        List<String> titles = new ArrayList<>();
        for (JsonNode m : listed(status, body, "/sdapi/v1/sd-models")) {
            String title = m.path("title").asText();
            titles.add(title);
            aliases.add(title);
            aliases.add(title.replaceFirst(" \\[[0-9a-fA-F]+]$", ""));
            aliases.add(m.path("model_name").asText());
            aliases.add(m.path("hash").asText());
            aliases.add(m.path("sha256").asText());
            String file = m.path("filename").asText().replace('\\', '/');
            aliases.add(file.substring(file.lastIndexOf('/') + 1));
        }
        aliases.remove("");
        if (!aliases.contains(checkpoint)) {
            throw new LocalFailures.CheckpointMissing("a1111", checkpoint, titles);
        }
    }

    /** For GET /api/v1/local/samplers: the names of GET /sdapi/v1/samplers. */
    public List<String> samplerNames(int status, byte[] body) {
        List<String> names = new ArrayList<>();
        listed(status, body, "/sdapi/v1/samplers").forEach(s -> names.add(s.path("name").asText()));
        return names;
    }

    /** {samplers, schedulers}: with the names of GET /sdapi/v1/schedulers (none before A1111 1.9: 404). */
    public Map<String, Object> names(List<String> samplers, int status, byte[] body) {
        List<String> schedulers = new ArrayList<>();
        if (status != 404) {
            listed(status, body, "/sdapi/v1/schedulers").forEach(s -> schedulers.add(s.path("name").asText()));
        }
        return Map.of("samplers", samplers, "schedulers", schedulers);
    }

    /** For GET /api/v1/local/loras: A1111's GET /sdapi/v1/loras. */
    public List<Map<String, Object>> installed(int status, byte[] body) {
        return dev.toploras.local.InstalledLoras.fromA1111(listed(status, body, "/sdapi/v1/loras"));
    }

    private JsonNode listed(int status, byte[] body, String path) {
        if (status / 100 != 2) {
            throw new LocalFailures.BackendUnavailable("a1111", url, "GET " + path + " answered HTTP " + status);
        }
        JsonNode list = BackendReply.tree(json, "a1111", body, status);
        if (!list.isArray()) {
            throw new LocalFailures.BackendRejected("a1111", "GET " + path + " did not answer a list", Map.of());
        }
        return list;
    }

    public ObjectNode txt2img(Map<String, Object> job, List<LoraFile> files) {
        RenderJob r = RenderJob.of(job);
        ObjectNode body = A1111Requests.txt2img(json, r, settings.checkpointFor(r.modelId()), sampler(r),
                r.weighted(files));
        if (RenderJob.scheduler(job) != null) {
            body.put("scheduler", RenderJob.scheduler(job));
        }
        // api.py text2imgapi runs the request as task force_task_id, so /internal/progress can follow this job only.
        body.put("force_task_id", taskId(r.jobId()));
        return body;
    }

    /** The task id this job's txt2img runs under on A1111. */
    public static String taskId(String jobId) {
        return "toploras-" + jobId;
    }

    /** meta.local before the render: the parameters sent and the prompt with its tags. */
    public Map<String, Object> sent(Map<String, Object> job, List<LoraFile> files, List<Map<String, Object>> loras) {
        RenderJob r = RenderJob.of(job);
        Map<String, Object> params = r.used(sampler(r), settings.checkpointFor(r.modelId()));
        params.put("scheduler", RenderJob.scheduler(job));
        params.put("prompt", A1111Requests.promptWithLoras(r.prompt(), r.weighted(files)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("params", params);
        m.put("loras", loras);
        return m;
    }

    /**
     * meta.local after the render: the seed A1111 used and the checkpoint that actually ran, from the reply's info
     * (processing.py Processed.js: seed, sd_model_name, sd_model_hash).
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> ran(Map<String, Object> sent, byte[] reply) {
        JsonNode info = A1111Requests.info(json, BackendReply.tree(json, "a1111", reply, 200));
        Map<String, Object> m = new LinkedHashMap<>(sent);
        Map<String, Object> params = new LinkedHashMap<>((Map<String, Object>) sent.get("params"));
        if (info.path("seed").canConvertToLong()) {
            params.put("seed", info.path("seed").asLong());
        }
        if (info.hasNonNull("sd_model_name")) {
            params.put("checkpoint", info.path("sd_model_name").asText());
            params.put("checkpoint_hash", info.path("sd_model_hash").asText(null));
            params.put("checkpoint_requested", ((Map<String, Object>) sent.get("params")).get("checkpoint"));
        }
        m.put("params", params);
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
        taskState.remove(jobId);
        cancelWanted.remove(jobId);
    }

    /** Whether the progress watcher of a job should keep looking. */
    public boolean rendering(String jobId) {
        return rendering.contains(jobId);
    }

    /** The POST /internal/progress body for this job's task (progress.py ProgressRequest), without a preview. */
    public Map<String, Object> progressRequest(String jobId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id_task", taskId(jobId));
        m.put("id_live_preview", -1);
        m.put("live_preview", false);
        return m;
    }

    /**
     * What POST /internal/progress says of this job's task (progress.py progressapi: {active, queued, completed,
     * progress, eta, textinfo}; active only while the task is the one A1111 runs): remembered for the cancel, and
     * a progress event while it runs. Another client's render is never reported as this job's.
     */
    public void progress(String jobId, int status, byte[] body) {
        if (status / 100 != 2 || !rendering(jobId)) {
            return;
        }
        JsonNode p = BackendReply.tree(json, "a1111", body, status);
        String state = p.path("active").asBoolean() ? "active" : p.path("queued").asBoolean() ? "queued"
                : p.path("completed").asBoolean() ? "completed" : "unknown";
        String before = taskState.put(jobId, state);
        if ("active".equals(state)) {
            int percent = (int) Math.round(p.path("progress").asDouble(0) * 100);
            events.progress(jobId, "RENDERING_LOCAL", percent, "A1111 renders it"
                    + (p.hasNonNull("eta") ? ", eta " + Math.round(p.path("eta").asDouble()) + " s" : ""));
        } else if ("queued".equals(state) && !"queued".equals(before)) {
            events.log(jobId, "RENDERING_LOCAL", "A1111 is busy with another render; this job waits in its queue");
        }
    }

    /** A cancel of the job was seen: the watcher interrupts once the job's task is the one running. */
    public void cancel(String jobId) {
        cancelWanted.add(jobId);
    }

    /** Whether to send /sdapi/v1/interrupt now: it stops whatever runs, so only while this job's task runs. */
    public boolean interruptNow(String jobId) {
        return cancelWanted.contains(jobId) && "active".equals(taskState.get(jobId));
    }

    /** The failure mapping of this backend's calls (local-http-call's {@code failures}). */
    public void unreachable(Exception e, String server) {
        throw LocalFailures.unreachable("a1111", server, e);
    }

    /** As above at local.a1111.url: route files a user copied before local-http-call call it so. */
    public void unreachable(Exception e) {
        unreachable(e, url);
    }

    private String sampler(RenderJob r) {
        return r.sampler() != null ? r.sampler() : settings.a1111Sampler();
    }


}
