package dev.toploras.modelscope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.core.Json;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every field and quirk of the real captured listing page (shared/fixtures/modelscope/README.md). */
class LoraNormalizerTest {
    static final ObjectMapper JSON = Json.mapper();
    static final Map<String, JsonNode> RAW = new LinkedHashMap<>();
    static final LoraNormalizer NORMALIZER = new LoraNormalizer(JSON, "https://www.modelscope.cn/");

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = LoraNormalizerTest.class.getResourceAsStream("/demo/dolphin-models-lora-page1.json")) {
            byte[] body = in.readAllBytes();
            Map<?, ?> page = JSON.readValue(body, Map.class);
            ListingEnvelope.check(page);
            assertThat(ListingEnvelope.totalCount(page)).isEqualTo(39692);
            assertThat(ListingEnvelope.models(page)).hasSize(30);
            JSON.readTree(body).at("/Data/Model/Models").forEach(r -> RAW.put(LoraNormalizer.idOf(r).orElseThrow(), r));
        }
    }

    static LoraRecord record(String id) {
        return NORMALIZER.normalize(RAW.get(id)).orElseThrow();
    }

    @Test
    void should_keep_loras_by_type_or_by_a_lora_tag_on_an_image_task() {
        long loras = RAW.values().stream().filter(LoraNormalizer::isLora).count();
        // 21 typed LoRA by AigcType / MuseInfo, 6 more by a "lora" tag with an image task; 3 video LoRAs stay out
        assertThat(loras).isEqualTo(27);
        assertThat(LoraNormalizer.isLora(RAW.get("merjic/majicbeauty-qwen1"))).as("AigcType LoRA").isTrue();
        assertThat(List.of("lightx2v/Qwen-Image-Lightning", "muse/sd35_clip_l",
                "AI-ModelScope/next-scene-qwen-image-lora-2509", "dx8152/Qwen-Edit-2509-Multiple-angles",
                "flymy-ai/qwen-image-edit-2509-inscene-lora", "AI-ModelScope/Qwen-Image-Edit-Remove-Clothes"))
                .as("no AigcType, a lora tag and text-to-image-synthesis or image-to-image")
                .allMatch(id -> LoraNormalizer.isLora(RAW.get(id)));
        assertThat(List.of("lightx2v/Wan2.2-Distill-Models", "lightx2v/Wan2.2-I2V-A14B-Moe-Distill-Lightx2v",
                "lightx2v/Wan2.2-Distill-Loras"))
                .as("video LoRAs: tagged LoRA, but task image-to-video or none")
                .noneMatch(id -> LoraNormalizer.isLora(RAW.get(id)));
    }

    @Test
    void should_not_count_a_lora_tag_without_an_image_task() throws Exception {
        JsonNode untasked = JSON.readTree("{\"Path\":\"u\",\"Name\":\"n\",\"Tags\":[\"LoRA\"],\"Tasks\":[]}");
        JsonNode video = JSON.readTree(
                "{\"Path\":\"u\",\"Name\":\"n\",\"Tags\":[\"LoRA\"],\"Tasks\":[{\"Name\":\"image-to-video\"}]}");
        JsonNode edit = JSON.readTree(
                "{\"Path\":\"u\",\"Name\":\"n\",\"Tags\":[\" LoRA \"],\"Tasks\":[{\"Name\":\"image-to-image\"}]}");
        JsonNode untagged = JSON.readTree(
                "{\"Path\":\"u\",\"Name\":\"n\",\"Tags\":[\"qwen\"],\"Tasks\":[{\"Name\":\"image-to-image\"}]}");
        assertThat(LoraNormalizer.isLora(untasked)).isFalse();
        assertThat(LoraNormalizer.isLora(video)).isFalse();
        assertThat(LoraNormalizer.isLora(untagged)).isFalse();
        assertThat(LoraNormalizer.isLora(edit)).isTrue();
    }

    @Test
    void should_read_every_cache_field_of_a_full_record() {
        LoraRecord r = record("DiffSynth-Studio/Qwen-Image-Edit-F2P");
        assertThat(r.id()).isEqualTo("DiffSynth-Studio/Qwen-Image-Edit-F2P");
        assertThat(r.titleCn()).isEqualTo("Qwen-Image-Edit-F2P 人脸生成图像");
        assertThat(r.titleEn()).isEqualTo("Qwen-Image-Edit-F2P");
        assertThat(r.author()).isEqualTo("DiffSynth-Studio");
        assertThat(r.avatar()).startsWith("https://img.alicdn.com/");
        assertThat(r.coverUrl()).isEqualTo(
                "https://resouces.modelscope.cn/cover-images/60690951-d47a-48c6-aee8-c6f845de2c75.jpg");
        assertThat(r.coverLocal()).isNull();
        assertThat(r.downloads()).isEqualTo(2038);
        assertThat(r.likes()).isEqualTo(55);
        assertThat(r.license()).isEqualTo("Apache License 2.0");
        assertThat(r.tagsCn()).containsExactly("写实摄影", "人物加强", "女生");
        assertThat(r.tagsEn()).containsExactly("photography", "character-enhancement", "woman");
        assertThat(r.baseModels()).containsExactly("Qwen/Qwen-Image-Edit");
        assertThat(r.visionFoundation()).isEqualTo("QWEN_IMAGE_20_B");
        assertThat(r.triggerWords()).containsExactly("摄影");
        assertThat(r.updatedAt()).isEqualTo(Instant.ofEpochSecond(1760696097L));
        assertThat(r.modelscopeUrl()).isEqualTo("https://www.modelscope.cn/models/DiffSynth-Studio/Qwen-Image-Edit-F2P");
    }

    @Test
    void should_strip_revision_from_base_models() {
        assertThat(record("merjic/majicbeauty-qwen1").baseModels()).containsExactly("MusePublic/Qwen-image");
        assertThat(record("DiffSynth-Studio/FLUX.1-Kontext-dev-lora-highresfix").baseModels())
                .containsExactly("MusePublic/FLUX.1-Kontext-Dev");
    }

    @Test
    void should_drop_empty_trigger_words_and_read_them_from_muse_json_strings() {
        assertThat(record("KookYan/Kook_qwen_zshx6").triggerWords()).isEmpty();
        assertThat(record("jcplus/photo_pro_1").triggerWords()).isEmpty();
        assertThat(record("animationtj/Qwen_image_nude_pantyhose_lora").triggerWords())
                .containsExactly("肉色连裤袜 肉色丝袜 丝袜");
        assertThat(record("guahunyo/gua002").triggerWords()).containsExactly("gua002");
    }

    @Test
    void should_take_the_cover_from_muse_info_whatever_host_it_names() {
        assertThat(record("KookYan/Kook_qwen_zshx6").coverUrl()).startsWith("https://resources.modelscope.cn/");
        assertThat(record("yiwanji/FLUX_xiao_hong_shu_ji_zhi_zhen_shi_V2").coverUrl())
                .contains("/resolve/master/_cover_images_/");
    }

    @Test
    void should_split_user_tags_by_script_and_leave_out_the_lora_tag() {
        LoraRecord r = record("KookYan/Kook_Qwen_JIZHIZHENSHI");
        assertThat(r.tagsEn()).contains("qwen").doesNotContain("LoRA", "lora");
        assertThat(r.tagsCn()).contains("极致", "真实");
        assertThat(r.author()).isEqualTo("Kook视觉设计");
    }

    @Test
    void should_read_counts_sent_as_strings() throws Exception {
        JsonNode r = JSON.readTree("{\"Path\":\"a\",\"Name\":\"b\",\"AigcType\":\"LoRA\",\"Downloads\":\"12,345\","
                + "\"Stars\":\"7\",\"LastUpdatedTime\":\"1760696097\",\"BaseModel\":null}");
        LoraRecord rec = NORMALIZER.normalize(r).orElseThrow();
        assertThat(rec.downloads()).isEqualTo(12345);
        assertThat(rec.likes()).isEqualTo(7);
        assertThat(rec.updatedAt()).isEqualTo(Instant.ofEpochSecond(1760696097L));
        assertThat(rec.baseModels()).isEmpty();
        assertThat(rec.coverUrl()).isNull();
    }

    @Test
    void should_take_muse_milliseconds_when_the_top_level_time_is_missing() throws Exception {
        JsonNode r = JSON.readTree("{\"Path\":\"a\",\"Name\":\"b\",\"MuseInfo\":{\"model\":{\"modelType\":\"LoRA\","
                + "\"gmtModified\":1762255609000}},\"BaseModel\":[\"\"]}");
        LoraRecord rec = NORMALIZER.normalize(r).orElseThrow();
        assertThat(rec.updatedAt()).isEqualTo(Instant.ofEpochMilli(1762255609000L));
        assertThat(rec.baseModels()).isEmpty();
    }

    @Test
    void should_never_serialise_raw_blobs() throws Exception {
        for (JsonNode raw : RAW.values()) {
            String out = JSON.writeValueAsString(NORMALIZER.normalize(raw).orElseThrow());
            assertThat(out).doesNotContain("AigcAttributes", "aigc_attributes", "ReadMe", "OfficialTags\"");
        }
    }
}
