package dev.toploras.modelscope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.BaseModelRules;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.core.Json;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * needs_image on the real captured listing page, by the rule as application.properties ships it: the four
 * image-to-image records, and the Qwen-Image-Edit(-2509) and FLUX.1-Kontext based ones; every other LoRA is false.
 */
class NeedsImageTest {
    static final ObjectMapper JSON = Json.mapper();

    static BaseModelRules shippedRules() throws Exception {
        Properties p = new Properties();
        try (InputStream in = NeedsImageTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        return new BaseModelRules(List.of(p.getProperty("catalog.needs-image-tasks").split(",")),
                List.of(p.getProperty("catalog.needs-image-base-models").split(",")),
                BaseModelRules.parseFamilies(p.getProperty("models.families")));
    }

    @Test
    void should_mark_exactly_the_seven_edit_and_image_to_image_records_of_the_fixture_page() throws Exception {
        LoraNormalizer normalizer = new LoraNormalizer(JSON, "https://www.modelscope.cn/", shippedRules());
        List<LoraRecord> loras = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/demo/dolphin-models-lora-page1.json")) {
            for (JsonNode r : JSON.readTree(in).at("/Data/Model/Models")) {
                // all 30, the LoRA filter aside (CatalogFlowTest checks the same seven after it)
                loras.add(normalizer.normalize(r).orElseThrow());
            }
        }
        Set<String> needing = new TreeSet<>();
        loras.stream().filter(LoraRecord::needsImage).forEach(r -> needing.add(r.id()));
        assertThat(needing).containsExactlyInAnyOrder(
                "AI-ModelScope/next-scene-qwen-image-lora-2509",
                "dx8152/Qwen-Edit-2509-Multiple-angles",
                "flymy-ai/qwen-image-edit-2509-inscene-lora",
                "AI-ModelScope/Qwen-Image-Edit-Remove-Clothes",
                "DiffSynth-Studio/Qwen-Image-Edit-F2P",
                "iMonDreame/Anime2Realism-Qwen-Image-Edit",
                "DiffSynth-Studio/FLUX.1-Kontext-dev-lora-highresfix");
        assertThat(loras).hasSize(30);
        assertThat(loras.stream().filter(r -> !needing.contains(r.id())).map(LoraRecord::needsImage))
                .containsOnly(false);
    }

    @Test
    void should_tell_base_model_families_apart_narrowest_first() throws Exception {
        BaseModelRules rules = shippedRules();
        assertThat(rules.family("Qwen/Qwen-Image-Edit-2509")).contains("qwen-image-edit-2509");
        assertThat(rules.family("Qwen/Qwen-Image-Edit")).contains("qwen-image-edit");
        assertThat(rules.family("MusePublic/Qwen-image@v1")).contains("qwen-image");
        assertThat(rules.family("MusePublic/FLUX.1-Kontext-Dev@v1")).contains("flux-kontext");
        assertThat(rules.family("AI-ModelScope/FLUX.1-dev")).contains("flux");
        assertThat(rules.family("someone/unknown-model")).isEmpty();
        assertThat(rules.mismatch("AI-ModelScope/FLUX.1-dev", "a/lora", List.of("Qwen/Qwen-Image")))
                .hasValueSatisfying(why -> assertThat(why).contains("AI-ModelScope/FLUX.1-dev", "Qwen/Qwen-Image",
                        "allow_base_mismatch"));
        assertThat(rules.mismatch("Qwen/Qwen-Image", "a/lora", List.of("MusePublic/Qwen-image@v1"))).isEmpty();
        assertThat(rules.mismatch("someone/unknown", "a/lora", List.of("Qwen/Qwen-Image"))).isEmpty();
    }
}
