package dev.toploras.jobs;

/**
 * Generation parameters as the user gave them; absent ones stay null, are not sent upstream and are not written,
 * so a job's params can be posted again as a request unchanged.
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record JobParams(String prompt, String negativePrompt, String size, Integer steps, Double guidance,
                        Long seed, String sampler, Double strength, String scheduler,
                        java.util.Map<String, Double> loraClip, java.util.List<String> triggerWords) {
    public static final String DEFAULT_SIZE = "1024x1024";

    /**
     * Without a scheduler (the backend's default, or local.comfyui.scheduler) and without separate CLIP strengths
     * (loraClip: a local job's per-LoRA text-encoder strength where it differs from the LoRA's weight), and without
     * triggerWords (the LoRAs' trigger words the Generate form put into the prompt, recorded with the job).
     */
    public JobParams(String prompt, String negativePrompt, String size, Integer steps, Double guidance, Long seed,
                     String sampler, Double strength) {
        this(prompt, negativePrompt, size, steps, guidance, seed, sampler, strength, null, null, null);
    }

    /** The same parameters with the seed a render used, so the job can be run again to the same image. */
    public JobParams withSeed(long s) {
        return new JobParams(prompt, negativePrompt, size, steps, guidance, s, sampler, strength, scheduler, loraClip,
                triggerWords);
    }

    public int width() {
        return dimension(0);
    }

    public int height() {
        return dimension(1);
    }

    private int dimension(int i) {
        return Integer.parseInt((size == null ? DEFAULT_SIZE : size).split("x")[i]);
    }
}
