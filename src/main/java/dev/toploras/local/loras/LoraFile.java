package dev.toploras.local.loras;

import java.nio.file.Path;

/**
 * A LoRA weight file in local.loras-dir, ready for a backend: {@code fileName} is how ComfyUI names it (lora_name),
 * {@link #stem()} how A1111 does ({@code <lora:stem:weight>}).
 */
public record LoraFile(String modelId, String fileName, String sha256, long size, Path path, boolean downloaded) {
    public String stem() {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
