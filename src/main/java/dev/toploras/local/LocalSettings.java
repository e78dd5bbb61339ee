package dev.toploras.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local.* settings the local backends share: where LoRA files go, how large one may be, and which checkpoint
 * renders which base model.
 */
public record LocalSettings(Path lorasDir, long maxLoraBytes, Map<String, String> checkpoints, String defaultCheckpoint,
                            String sampler, String scheduler, String a1111Sampler, Path comfyWorkflow,
                            Duration timeout) {
    /** {@code local.checkpoints} is {@code base-model=checkpoint,...}; a base model id holds no '=' or ','. */
    public static Map<String, String> parseCheckpoints(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("local.checkpoints: '" + pair.trim() + "' is not base-model="
                        + "checkpoint (e.g. stabilityai/stable-diffusion-xl-base-1.0=sd_xl_base_1.0.safetensors)");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /** The checkpoint for a base model; fails with the key to set when none is mapped. */
    public String checkpointFor(String baseModel) {
        String c = checkpoints.get(baseModel);
        if (c == null && baseModel != null && baseModel.contains("@")) {
            c = checkpoints.get(baseModel.substring(0, baseModel.indexOf('@')));
        }
        if (c == null && defaultCheckpoint != null && !defaultCheckpoint.isBlank()) {
            c = defaultCheckpoint;
        }
        if (c == null) {
            throw new LocalFailures.CheckpointNotMapped(baseModel);
        }
        return c;
    }
}
