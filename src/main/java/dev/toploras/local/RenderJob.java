package dev.toploras.local;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a local backend needs of a job, read from the job Map the generation worker hands over (the job document's
 * own field names, docs/seams.md), with the defaults a local render uses where the request left a value out.
 */
public record RenderJob(String jobId, String modelId, String prompt, String negativePrompt, int width, int height,
                       int steps, double guidance, long seed, String sampler, Map<String, Double> loras,
                       Map<String, Double> loraClip) {
    public RenderJob(String jobId, String modelId, String prompt, String negativePrompt, int width, int height,
                     int steps, double guidance, long seed, String sampler, Map<String, Double> loras) {
        this(jobId, modelId, prompt, negativePrompt, width, height, steps, guidance, seed, sampler, loras, Map.of());
    }

    public static final int DEFAULT_STEPS = 30;
    public static final double DEFAULT_GUIDANCE = 7.5;

    @SuppressWarnings("unchecked")
    public static RenderJob of(Map<String, Object> job) {
        Map<String, Object> params = (Map<String, Object>) job.getOrDefault("params", Map.of());
        String size = text(params.get("size"), "1024x1024");
        String[] wh = size.split("x");
        int width = params.get("width") instanceof Number n ? n.intValue() : Integer.parseInt(wh[0].trim());
        int height = params.get("height") instanceof Number n ? n.intValue() : Integer.parseInt(wh[1].trim());
        Map<String, Double> loras = new LinkedHashMap<>();
        Object l = job.get("loras");
        if (l instanceof Map<?, ?> m) {
            m.forEach((k, v) -> loras.put(String.valueOf(k), v instanceof Number n ? n.doubleValue() : 1.0));
        } else if (l instanceof String s && !s.isBlank()) {
            loras.put(s, 1.0);
        }
        Object seed = params.get("seed");
        if (!(seed instanceof Number)) {
            // The worker resolves the seed before any backend runs; a job without one is a wiring mistake.
            throw new IllegalArgumentException("job " + job.get("job_id") + " reached a local backend without a seed");
        }
        return new RenderJob(String.valueOf(job.get("job_id")), String.valueOf(job.get("model_id")),
                text(params.get("prompt"), ""), text(params.get("negative_prompt"), ""), width, height,
                params.get("steps") instanceof Number n ? n.intValue() : DEFAULT_STEPS,
                params.get("guidance") instanceof Number n ? n.doubleValue() : DEFAULT_GUIDANCE,
                ((Number) seed).longValue(), text(params.get("sampler"), null),
                java.util.Collections.unmodifiableMap(loras), clip(params.get("lora_clip")));
    }

    /** params.scheduler of a job Map, or null when the job names none. */
    @SuppressWarnings("unchecked")
    public static String scheduler(Map<String, Object> job) {
        return text(((Map<String, Object>) job.getOrDefault("params", Map.of())).get("scheduler"), null);
    }

    /** The job Map with params.sampler and params.scheduler set to the names a backend takes (null removes one). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> withSampling(Map<String, Object> job, String sampler, String scheduler) {
        Map<String, Object> out = new LinkedHashMap<>(job);
        Map<String, Object> params = new LinkedHashMap<>((Map<String, Object>) job.getOrDefault("params", Map.of()));
        params.put("sampler", sampler);
        params.put("scheduler", scheduler);
        params.values().removeIf(java.util.Objects::isNull);
        out.put("params", params);
        return out;
    }

    /** Each file the job's LoRAs resolved to, with the weight the job gave that LoRA (1.0 for a bare id). */
    public java.util.List<WeightedLora> weighted(java.util.List<dev.toploras.local.loras.LoraFile> files) {
        return files.stream().map(f -> {
            double w = loras.getOrDefault(f.modelId(), 1.0);
            return new WeightedLora(f, w, loraClip.getOrDefault(f.modelId(), w));
        }).toList();
    }

    /** The parameters actually used, for meta.local.params. */
    public Map<String, Object> used(String sampler, String checkpoint) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt", prompt);
        m.put("negative_prompt", negativePrompt);
        m.put("width", width);
        m.put("height", height);
        m.put("steps", steps);
        m.put("guidance", guidance);
        m.put("seed", seed);
        m.put("sampler", sampler);
        m.put("checkpoint", checkpoint);
        return m;
    }

    private static Map<String, Double> clip(Object o) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (v instanceof Number n) {
                    out.put(String.valueOf(k), n.doubleValue());
                }
            });
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static String text(Object o, String dflt) {
        return o == null || String.valueOf(o).isBlank() ? dflt : String.valueOf(o);
    }
}
