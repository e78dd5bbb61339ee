package dev.toploras.local;

import dev.toploras.local.loras.LoraFile;

/**
 * A job's LoRA file with the strengths the job gave it: {@code weight} on the model (UNet), {@code clip} on the text
 * encoder (the same unless the job set them apart). ComfyUI's LoraLoader takes them as strength_model and
 * strength_clip; A1111's tag as {@code <lora:name:te:unet>} (extensions-builtin/Lora/extra_networks_lora.py).
 */
public record WeightedLora(LoraFile file, double weight, double clip) {
    public WeightedLora(LoraFile file, double weight) {
        this(file, weight, weight);
    }
}
