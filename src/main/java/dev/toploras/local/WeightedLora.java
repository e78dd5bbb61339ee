package dev.toploras.local;

import dev.toploras.local.loras.LoraFile;

/** A job's LoRA file with the weight the job gave it: what ComfyUI's LoraLoader and A1111's tag both apply. */
public record WeightedLora(LoraFile file, double weight) {
}
