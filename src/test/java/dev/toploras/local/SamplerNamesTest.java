package dev.toploras.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared sampler vocabulary against each backend's own list (names as comfy/samplers.py and A1111 list them). */
class SamplerNamesTest {
    static final List<String> COMFY = List.of("euler", "euler_ancestral", "dpmpp_2m", "uni_pc");
    static final List<String> A1111 = List.of("Euler a", "Euler", "DPM++ 2M", "UniPC");
    static final SamplerNames.Lookup TO_COMFY = new SamplerNames.Lookup("comfyui", "sampler");
    static final SamplerNames.Lookup TO_A1111 = new SamplerNames.Lookup("a1111", "sampler");

    @Test
    void should_translate_euler_ancestral_to_each_backends_own_name() {
        assertThat(SamplerNames.resolve(TO_COMFY, "euler_ancestral", COMFY, SamplerNames.A1111_SAMPLERS))
                .isEqualTo("euler_ancestral");
        assertThat(SamplerNames.resolve(TO_A1111, "euler_ancestral", A1111, SamplerNames.A1111_SAMPLERS))
                .isEqualTo("Euler a");
        assertThat(SamplerNames.resolve(TO_COMFY, "Euler a", COMFY, SamplerNames.A1111_SAMPLERS))
                .isEqualTo("euler_ancestral");
        assertThat(SamplerNames.resolve(TO_A1111, "uni_pc", A1111, SamplerNames.A1111_SAMPLERS)).isEqualTo("UniPC");
    }

    @Test
    void should_fail_with_the_backends_list_when_neither_the_name_nor_its_translation_is_listed() {
        assertThatThrownBy(() -> SamplerNames.resolve(TO_A1111, "lcm", A1111, SamplerNames.A1111_SAMPLERS))
                .isInstanceOf(LocalFailures.UnknownName.class)
                .hasMessageContaining("a1111 has no sampler 'lcm'").hasMessageContaining(A1111.toString());
    }

    @Test
    void should_split_a_sampler_named_with_its_scheduler_as_a1111_does() {
        assertThat(SamplerNames.composite("DPM++ 2M Karras")).containsExactly("DPM++ 2M", "karras");
        assertThat(SamplerNames.composite("DPM++ 2M SDE Karras")).containsExactly("DPM++ 2M SDE", "karras");
        assertThat(SamplerNames.composite("Euler a")).isNull();
    }

    @Test
    void should_map_comfyuis_ddim_uniform_scheduler_to_a1111s_ddim() {
        assertThat(SamplerNames.resolve(new SamplerNames.Lookup("a1111", "scheduler"), "ddim_uniform",
                List.of("karras", "ddim"), SamplerNames.A1111_SCHEDULERS)).isEqualTo("ddim");
    }
}
