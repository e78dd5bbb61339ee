package dev.toploras.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.catalog.CacheDocument;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.catalog.WeightFile;
import dev.toploras.core.Json;
import dev.toploras.modelscope.LoraNormalizer;
import dev.toploras.support.Images;
import dev.toploras.support.Listings;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20.4: the listing names a LoRA's version and weight file (MuseInfo.versions[].modelVersion.modelUrl
 * {@code modelscope://owner/name?revision=v1}, stats.fileList and fileSizes, as in the real page captured from
 * ModelScope, src/main/resources/demo/dolphin-models-lora-page1.json). The record keeps them, and a local job
 * lists and downloads that revision and takes that file instead of guessing.
 */
class ListedWeightFileTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalStubs.Weight EPOCH = LocalStubs.weight("painter/multi", "multi-epoch5.safetensors", 12_000, 21);
    WireMockServer modelScope;
    WireMockServer comfy;
    Stubs.Served served;

    @TempDir
    Path home;

    @AfterEach
    void stop() {
        if (served != null) {
            served.runtime().close();
        }
        if (modelScope != null) {
            modelScope.stop();
            comfy.stop();
        }
    }

    @Test
    void should_keep_the_revision_and_weight_file_of_the_real_listing_in_the_record() throws Exception {
        JsonNode page = JSON.readTree(Listings.realPage("https://covers.invalid"));
        JsonNode first = page.at("/Data/Model/Models/0");

        LoraRecord r = new LoraNormalizer(Json.mapper(), "https://www.modelscope.cn/").normalize(first).orElseThrow();

        assertThat(r.weightFile()).isEqualTo(new WeightFile("v1", "model.safetensors", 472047152L));
        JsonNode written = JSON.readTree(Json.mapper().writeValueAsString(r)).path("weight_file");
        assertThat(written.path("revision").asText()).isEqualTo("v1");
        assertThat(written.path("path").asText()).isEqualTo("model.safetensors");
        assertThat(written.path("size").asLong()).isEqualTo(472047152L);
    }

    @Test
    void should_drop_a_listed_revision_or_path_that_is_not_plain() {
        WeightFile w = new WeightFile("v1&Recursive=false{{env:HOME}}", "../../etc/passwd", -5L);

        assertThat(w.revision()).isNull();
        assertThat(w.path()).isNull();
        assertThat(w.size()).isNull();
        assertThat(new WeightFile("v2", "sub/model v2.safetensors", 1L).path()).isEqualTo("sub/model v2.safetensors");
    }

    @Test
    void should_list_and_download_the_listed_revision_and_take_the_listed_file_without_a_guess() throws Exception {
        modelScope = Stubs.wireMock();
        comfy = Stubs.wireMock();
        String base = "/api/v1/models/" + EPOCH.modelId() + "/repo";
        // Two weights, neither named after the repository: without the listing's fileList the picker would guess
        // the larger (multi-epoch9), with a LORA_FILE_GUESSED note.
        String files = "{\"Code\":200,\"Data\":{\"Files\":[" + file("multi-epoch9.safetensors", 99_000, "a".repeat(64))
                + "," + file(EPOCH.file(), EPOCH.bytes().length, EPOCH.sha256()) + "]},\"Success\":true}";
        modelScope.stubFor(get(urlPathEqualTo(base + "/files")).withQueryParam("Revision", equalTo("v2"))
                .willReturn(okJson(files)));
        modelScope.stubFor(get(urlPathEqualTo(base)).withQueryParam("Revision", equalTo("v2"))
                .withQueryParam("FilePath", equalTo(EPOCH.file()))
                .willReturn(aResponse().withStatus(200).withBody(EPOCH.bytes())));
        LocalStubs.comfy(comfy, "p-rev", List.of(EPOCH.storedName()), Images.png(64, 64),
                "comfyui/history_success.json");
        LoraRecord listed = new LoraRecord(EPOCH.modelId(), null, "multi", "painter", null, null, null, 5, 1, null,
                List.of(), List.of(), List.of("stabilityai/stable-diffusion-xl-base-1.0"), null, List.of(), null,
                "https://www.modelscope.cn/models/" + EPOCH.modelId())
                .withWeightFile(new WeightFile("v2", EPOCH.file(), (long) EPOCH.bytes().length));
        Files.createDirectories(home.resolve("cache"));
        Files.write(home.resolve("cache/top_loras_text-to-image-synthesis.json"), Json.mapper().writeValueAsBytes(
                new CacheDocument(Instant.now(), "text-to-image-synthesis", "downloads", 20, List.of(listed))));
        Map<String, String> cfg = LocalStubs.comfyConfig(comfy.baseUrl(), modelScope.baseUrl());
        cfg.put("catalog.refresh-on-start", "false");
        served = Stubs.serve(home, cfg);

        served.http().post("/api/v1/generate", JSON.writeValueAsString(Map.of("job_id", "rev-1",
                "task", "text-to-image-synthesis", "model_id", "stabilityai/stable-diffusion-xl-base-1.0",
                "loras", Map.of(EPOCH.modelId(), 1.0), "params", Map.of("prompt", "ink", "size", "64x64", "seed", 2),
                "backend", "local")));
        JsonNode doc = served.jobWhenEnded("rev-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(doc.at("/meta/local/loras/0/sha256").asText()).isEqualTo(EPOCH.sha256());
        assertThat(doc.at("/meta/notes").toString()).doesNotContain("LORA_FILE_GUESSED");
        assertThat(modelScope.findAll(getRequestedFor(urlPathEqualTo(base)))).singleElement()
                .satisfies(r -> assertThat(r.queryParameter("Revision").firstValue()).isEqualTo("v2"));
    }

    static String file(String name, int size, String sha) {
        return "{\"Name\":\"" + name + "\",\"Path\":\"" + name + "\",\"Sha256\":\"" + sha + "\",\"Size\":" + size
                + ",\"Type\":\"blob\"}";
    }
}
