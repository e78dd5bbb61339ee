package dev.toploras.local;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sampler and scheduler vocabulary for a job's params.sampler and params.scheduler: ComfyUI's names (its
 * comfy/samplers.py KSAMPLER_NAMES, SAMPLER_NAMES and SCHEDULER_NAMES), mapped per backend to the name that backend
 * takes. A1111 and Forge list each sampler as (display name, k-diffusion function, aliases) in
 * modules/sd_samplers_kdiffusion.py (samplers_k_diffusion) and modules/sd_samplers_timesteps.py; the function name
 * without "sample_" is ComfyUI's name for the same sampler ("Euler a" is sample_euler_ancestral). Their schedulers
 * (modules/sd_schedulers.py) are looked up by name or label, and share ComfyUI's names but for ddim_uniform.
 * A name is accepted as the backend spells it too, so the backend's own list (what the Generate form offers) works.
 */
public final class SamplerNames {
    /** ComfyUI name -> A1111/Forge display name. */
    public static final Map<String, String> A1111_SAMPLERS = table(
            "euler_ancestral", "Euler a",
            "euler", "Euler",
            "lms", "LMS",
            "heun", "Heun",
            "dpm_2", "DPM2",
            "dpm_2_ancestral", "DPM2 a",
            "dpmpp_2s_ancestral", "DPM++ 2S a",
            "dpmpp_2m", "DPM++ 2M",
            "dpmpp_sde", "DPM++ SDE",
            "dpmpp_2m_sde", "DPM++ 2M SDE",
            "dpmpp_2m_sde_heun", "DPM++ 2M SDE Heun",
            "dpmpp_3m_sde", "DPM++ 3M SDE",
            "dpm_fast", "DPM fast",
            "dpm_adaptive", "DPM adaptive",
            "lcm", "LCM",
            "ddim", "DDIM",
            "uni_pc", "UniPC");
    /** ComfyUI scheduler name -> A1111/Forge scheduler name, where they differ. */
    public static final Map<String, String> A1111_SCHEDULERS = table("ddim_uniform", "ddim");

    /** A1111's scheduler labels and aliases (modules/sd_schedulers.py) -> the shared scheduler name. */
    private static final Map<String, String> SCHEDULER_LABELS = table(
            "Karras", "karras", "Exponential", "exponential", "Polyexponential", "polyexponential",
            "SGM Uniform", "sgm_uniform", "SGMUniform", "sgm_uniform", "KL Optimal", "kl_optimal",
            "Align Your Steps", "align_your_steps", "Simple", "simple", "Normal", "normal", "DDIM", "ddim_uniform",
            "Beta", "beta", "Uniform", "uniform");

    private SamplerNames() {
    }

    /**
     * A sampler named with its scheduler, as A1111 before 1.9 listed them and still accepts ("DPM++ 2M Karras":
     * modules/sd_samplers.py get_sampler_and_scheduler strips a trailing scheduler label): [sampler, scheduler],
     * or null when the name has no such suffix.
     */
    public static String[] composite(String name) {
        if (name == null) {
            return null;
        }
        for (Map.Entry<String, String> e : SCHEDULER_LABELS.entrySet()) {
            if (name.endsWith(" " + e.getKey()) && name.length() > e.getKey().length() + 1) {
                return new String[] {name.substring(0, name.length() - e.getKey().length() - 1), e.getValue()};
            }
        }
        return null;
    }

    /**
     * The name to send: the requested one when the backend lists it, else its counterpart in the table (either
     * direction, so "Euler a" reaches ComfyUI as euler_ancestral) when the backend lists that; otherwise the job
     * fails with the backend's list.
     *
     * @param what   the backend and "sampler" or "scheduler", for the message
     * @param listed the backend's live names (and aliases, which it also accepts)
     * @param table  vocabulary name -> backend name
     */
    public static String resolve(Lookup what, String requested, Collection<String> listed, Map<String, String> table) {
        if (requested == null || listed.contains(requested)) {
            return requested;
        }
        String translated = table.get(requested);
        if (translated == null) {
            translated = table.entrySet().stream().filter(e -> e.getValue().equals(requested))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
        }
        if (translated != null && listed.contains(translated)) {
            return translated;
        }
        throw new LocalFailures.UnknownName(what.backend(), what.kind(), requested, List.copyOf(listed));
    }

    /** Which backend and which list a name is looked up in. */
    public record Lookup(String backend, String kind) {
    }

    private static Map<String, String> table(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
