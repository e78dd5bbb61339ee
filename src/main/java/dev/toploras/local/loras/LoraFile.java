package dev.toploras.local.loras;

import dev.toploras.errors.Problem;
import java.nio.file.Path;

/**
 * A LoRA weight file in local.loras-dir, ready for a backend: {@code fileName} is how ComfyUI names it (lora_name),
 * {@link #stem()} how A1111 does ({@code <lora:stem:weight>}); {@code note} says when the file was a guess.
 */
public record LoraFile(String modelId, String fileName, String sha256, long size, Path path, boolean downloaded,
                       Problem note) {
    public LoraFile(String modelId, String fileName, String sha256, long size, Path path, boolean downloaded) {
        this(modelId, fileName, sha256, size, path, downloaded, null);
    }

    public String stem() {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    public LoraFile withNote(Problem n) {
        return new LoraFile(modelId, fileName, sha256, size, path, downloaded, n);
    }
}
