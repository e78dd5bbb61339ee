package dev.toploras.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** local.backend=comfyui against a ComfyUI stub and a ModelScope model-files stub, through the HTTP API. */
class ComfyUiBackendTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalStubs.Weight A = LocalStubs.weight("painter/ink-wash", "ink-wash.safetensors", 70_000, 1);
    static final LocalStubs.Weight B = LocalStubs.weight("studio/soft-light", "soft_light_v2.safetensors", 50_000, 2);
    WireMockServer modelScope;
    WireMockServer comfy;
    Stubs.Served served;
    byte[] png = Images.png(128, 96);

    @TempDir
    Path home;

    @BeforeEach
    void stubs() {
        modelScope = Stubs.wireMock();
        comfy = Stubs.wireMock();
    }

    @AfterEach
    void stop() {
        if (served != null) {
            served.runtime().close();
        }
        modelScope.stop();
        comfy.stop();
    }

    Map<String, String> config() {
        Map<String, String> m = new HashMap<>();
        m.put("local.backend", "comfyui");
        m.put("local.comfyui.url", comfy.baseUrl());
        m.put("modelscope.base-url", modelScope.baseUrl());
        m.put("local.checkpoints", "stabilityai/stable-diffusion-xl-base-1.0=sd_xl_base_1.0.safetensors");
        m.put("local.poll-interval", "20");
        return m;
    }

    static String job(String id, String baseModel, Map<String, Double> loras) throws Exception {
        Map<String, Object> j = new HashMap<>();
        j.put("job_id", id);
        j.put("task", "text-to-image-synthesis");
        j.put("model_id", baseModel);
        if (!loras.isEmpty()) {
            j.put("loras", loras);
        }
        j.put("params", Map.of("prompt", "a heron in the mist", "negative_prompt", "blurry", "size", "128x96",
                "steps", 20, "guidance", 6.0, "seed", 4242));
        j.put("backend", "local");
        return JSON.writeValueAsString(j);
    }

    /** A job without LoRAs on the mapped SDXL checkpoint, with {@code extra} added to its params. */
    static String plain(String id, Map<String, Object> extra) throws Exception {
        Map<String, Object> j = JSON.readValue(job(id, "stabilityai/stable-diffusion-xl-base-1.0", Map.of()),
                java.util.LinkedHashMap.class);
        Map<String, Object> params = new java.util.LinkedHashMap<>((Map<String, Object>) j.get("params"));
        params.putAll(extra);
        j.put("params", params);
        return JSON.writeValueAsString(j);
    }

    JsonNode promptSent(int i) throws Exception {
        return JSON.readTree(comfy.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(i).getBodyAsString())
                .path("prompt");
    }

    static String sdxl(String id) throws Exception {
        return job(id, "stabilityai/stable-diffusion-xl-base-1.0",
                new java.util.LinkedHashMap<>(Map.of(A.modelId(), 0.6)) {{
                    put(B.modelId(), 0.4);
                }});
    }

    @Test
    void should_render_with_both_loras_at_their_weights_when_a_job_has_two_loras() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        LocalStubs.modelScope(modelScope, B);
        LocalStubs.comfy(comfy, "p-1", List.of(A.storedName(), B.storedName(), "other.safetensors"), png,
                "comfyui/history_success.json");
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", sdxl("c-1"));
        JsonNode doc = served.jobWhenEnded("c-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode graph = JSON.readTree(comfy.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(0)
                .getBodyAsString()).path("prompt");
        Map<String, JsonNode> loaders = new HashMap<>();
        Map<String, String> idOf = new HashMap<>();
        graph.fields().forEachRemaining(n -> {
            if ("LoraLoader".equals(n.getValue().path("class_type").asText())) {
                loaders.put(n.getValue().at("/inputs/lora_name").asText(), n.getValue().path("inputs"));
                idOf.put(n.getValue().at("/inputs/lora_name").asText(), n.getKey());
            }
        });
        assertThat(loaders).containsOnlyKeys(A.storedName(), B.storedName());
        assertThat(loaders.get(A.storedName()).path("strength_model").asDouble()).isEqualTo(0.6);
        assertThat(loaders.get(A.storedName()).path("strength_clip").asDouble()).isEqualTo(0.6);
        assertThat(loaders.get(B.storedName()).path("strength_model").asDouble()).isEqualTo(0.4);
        assertThat(loaders.get(B.storedName()).path("strength_clip").asDouble()).isEqualTo(0.4);
        // A chain: one loader reads the checkpoint, the other reads that loader, the sampler reads the last.
        String first = loaders.get(A.storedName()).at("/model/0").asText().equals("4") ? A.storedName()
                : B.storedName();
        String second = first.equals(A.storedName()) ? B.storedName() : A.storedName();
        assertThat(loaders.get(second).at("/model/0").asText()).isEqualTo(idOf.get(first));
        assertThat(loaders.get(second).at("/clip/0").asText()).isEqualTo(idOf.get(first));
        assertThat(graph.at("/3/inputs/model/0").asText()).isEqualTo(idOf.get(second));
        assertThat(graph.at("/6/inputs/clip/0").asText()).isEqualTo(idOf.get(second));
        assertThat(graph.at("/3/inputs/seed").asLong()).isEqualTo(4242);
        assertThat(graph.at("/4/inputs/ckpt_name").asText()).isEqualTo("sd_xl_base_1.0.safetensors");
        assertThat(graph.at("/6/inputs/text").asText()).isEqualTo("a heron in the mist");

        assertThat(doc.at("/meta/backend").asText()).isEqualTo("comfyui");
        assertThat(Files.readAllBytes(home.resolve(doc.at("/result/0/data/url").asText()))).isEqualTo(png);
        List<String> hashes = new java.util.ArrayList<>();
        doc.at("/meta/local/loras").forEach(l -> hashes.add(l.path("sha256").asText()));
        assertThat(hashes).containsExactlyInAnyOrder(A.sha256(), B.sha256());
        assertThat(doc.at("/meta/local/params/seed").asLong()).isEqualTo(4242);
        List<String> steps = new java.util.ArrayList<>();
        doc.at("/meta/timing/steps").forEach(s -> steps.add(s.path("name").asText()));
        assertThat(steps).contains("lora_download", "queue_wait", "render", "fetch_images");
        assertThat(Files.readAllBytes(home.resolve("loras").resolve(A.storedName()))).isEqualTo(A.bytes());
        String events = Files.readString(home.resolve("cache/outputs/text-to-image-synthesis/c-1.events.jsonl"));
        assertThat(events).contains("\"DOWNLOADING\"").contains("\"progress\":100").contains("ComfyUI is rendering");
        JsonNode health = JSON.readTree(served.http().get("/api/health").body()).path("local");
        assertThat(health.path("reachable").asBoolean()).isTrue();
        assertThat(health.path("loras").toString()).contains(A.storedName()).contains(B.storedName());
        assertThat(comfy.findAll(getRequestedFor(urlPathEqualTo("/view"))).get(0).getUrl())
                .contains("filename=job_00001_.png").contains("subfolder=toploras").contains("type=output");
    }

    @Test
    void should_submit_the_users_workflow_filled_in_when_local_comfyui_workflow_is_set() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        LocalStubs.comfy(comfy, "p-w", List.of(A.storedName()), png, "comfyui/history_success.json");
        Files.writeString(home.resolve("flux.json"), LocalStubs.fixture("comfyui/workflow_flux_api.json"));
        Map<String, String> cfg = config();
        cfg.put("local.comfyui.workflow", "flux.json");
        cfg.put("local.checkpoints", "black-forest-labs/FLUX.1-dev=flux1-dev-fp8.safetensors");
        served = Stubs.serve(home, cfg);

        served.http().post("/api/v1/generate", job("w-1", "black-forest-labs/FLUX.1-dev", Map.of(A.modelId(), 1.0)));
        JsonNode doc = served.jobWhenEnded("w-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode graph = JSON.readTree(comfy.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(0)
                .getBodyAsString()).path("prompt");
        assertThat(graph.at("/10/inputs/unet_name").asText()).isEqualTo("flux1-dev-fp8.safetensors");
        assertThat(graph.at("/20/inputs/lora_name").asText()).isEqualTo(A.storedName());
        assertThat(graph.at("/25/inputs/noise_seed").asLong()).isEqualTo(4242);
        assertThat(graph.at("/27/inputs/width").asInt()).isEqualTo(128);
        assertThat(graph.at("/6/inputs/text").asText()).isEqualTo("a heron in the mist, highly detailed");
        assertThat(doc.at("/meta/local/workflow").asText()).endsWith("flux.json");
    }

    @Test
    void should_download_a_lora_once_when_two_jobs_use_it() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        LocalStubs.comfy(comfy, "p-2", List.of(A.storedName()), png, "comfyui/history_success.json");
        served = Stubs.serve(home, config());
        String one = job("d-1", "stabilityai/stable-diffusion-xl-base-1.0", Map.of(A.modelId(), 1.0));
        String two = job("d-2", "stabilityai/stable-diffusion-xl-base-1.0", Map.of(A.modelId(), 1.0));

        served.http().post("/api/v1/generate", one);
        served.http().post("/api/v1/generate", two);

        assertThat(served.jobWhenEnded("d-1").path("status").asText()).isEqualTo("succeeded");
        JsonNode second = served.jobWhenEnded("d-2");
        assertThat(second.path("status").asText()).isEqualTo("succeeded");
        assertThat(modelScope.findAll(getRequestedFor(urlPathEqualTo("/api/v1/models/" + A.modelId() + "/repo"))))
                .hasSize(1);
        assertThat(second.at("/meta/local/loras/0/sha256").asText()).isEqualTo(A.sha256());
    }

    @Test
    void should_fail_with_comfyuis_own_message_when_it_rejects_the_graph() throws Exception {
        LocalStubs.comfy(comfy, "p-3", List.of(), png, "comfyui/history_success.json");
        comfy.stubFor(post(urlPathEqualTo("/prompt")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(LocalStubs.fixture("comfyui/prompt_rejected_value_not_in_list.json"))));
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("r-1", "stabilityai/stable-diffusion-xl-base-1.0", Map.of()));
        JsonNode doc = served.jobWhenEnded("r-1");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("upstream_rejected");
        assertThat(doc.at("/error/message").asText()).contains("Prompt outputs failed validation")
                .contains("CheckpointLoaderSimple (node 4)").contains("Value not in list");
        // What was sent stays on the failed job beside ComfyUI's own words.
        assertThat(doc.at("/meta/backend").asText()).isEqualTo("comfyui");
        assertThat(doc.at("/meta/local/params/checkpoint").asText()).isEqualTo("sd_xl_base_1.0.safetensors");
        assertThat(doc.at("/meta/local/params/sampler").asText()).isEqualTo("euler");
    }

    @Test
    void should_fail_with_the_node_error_when_execution_fails() throws Exception {
        LocalStubs.comfy(comfy, "p-4", List.of(), png, "comfyui/history_execution_error.json");
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("x-1", "stabilityai/stable-diffusion-xl-base-1.0", Map.of()));
        JsonNode doc = served.jobWhenEnded("x-1");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("KSampler (node 3) failed")
                .contains("out of memory");
    }

    @Test
    void should_fail_naming_the_key_when_the_base_model_has_no_checkpoint() throws Exception {
        LocalStubs.comfy(comfy, "p-5", List.of(), png, "comfyui/history_success.json");
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("m-1", "Qwen/Qwen-Image", Map.of()));
        JsonNode doc = served.jobWhenEnded("m-1");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("Qwen/Qwen-Image").contains("local.checkpoints");
        assertThat(comfy.findAll(postRequestedFor(urlPathEqualTo("/prompt")))).isEmpty();
    }

    @Test
    void should_fail_as_unavailable_when_comfyui_is_down() throws Exception {
        Map<String, String> cfg = config();
        cfg.put("local.comfyui.url", "http://127.0.0.1:" + dev.toploras.support.Http.freePort());
        served = Stubs.serve(home, cfg);

        served.http().post("/api/v1/generate", job("u-1", "stabilityai/stable-diffusion-xl-base-1.0", Map.of()));
        JsonNode doc = served.jobWhenEnded("u-1");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("upstream_unavailable");
        assertThat(doc.at("/error/message").asText()).contains("comfyui").contains("does not answer");
        JsonNode health = JSON.readTree(served.http().get("/api/health").body()).path("local");
        assertThat(health.path("backend").asText()).isEqualTo("comfyui");
        assertThat(health.path("reachable").asBoolean(true)).isFalse();
    }

    @Test
    void should_fail_as_not_found_when_the_lora_is_missing_upstream() throws Exception {
        modelScope.stubFor(get(urlPathEqualTo("/api/v1/models/ghost/none/repo/files")).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/json")
                .withBody(LocalStubs.fixture("modelscope/model_files_not_found.json"))));
        LocalStubs.comfy(comfy, "p-6", List.of(), png, "comfyui/history_success.json");
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("n-1", "stabilityai/stable-diffusion-xl-base-1.0",
                Map.of("ghost/none", 1.0)));
        JsonNode doc = served.jobWhenEnded("n-1");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("not_found");
        assertThat(doc.at("/error/message").asText()).contains("ghost/none");
    }

    @Test
    void should_list_again_when_modelscope_answers_503_once() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        String files = "/api/v1/models/" + A.modelId() + "/repo/files";
        modelScope.stubFor(get(urlPathEqualTo(files)).inScenario("busy")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("Server is busy")).willSetStateTo("ok"));
        LocalStubs.comfy(comfy, "p-r", List.of(A.storedName()), png, "comfyui/history_success.json");
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("t-1", "stabilityai/stable-diffusion-xl-base-1.0",
                Map.of(A.modelId(), 1.0)));
        JsonNode doc = served.jobWhenEnded("t-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(modelScope.findAll(getRequestedFor(urlPathEqualTo(files)))).hasSize(2);
    }

    @Test
    void should_fail_and_keep_nothing_when_the_download_does_not_match_its_sha256() throws Exception {
        LocalStubs.modelScope(modelScope, A, "0".repeat(64));
        LocalStubs.comfy(comfy, "p-7", List.of(), png, "comfyui/history_success.json");
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("h-1", "stabilityai/stable-diffusion-xl-base-1.0",
                Map.of(A.modelId(), 1.0)));
        JsonNode doc = served.jobWhenEnded("h-1");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("sha256").contains(A.sha256());
        try (var files = Files.list(home.resolve("loras"))) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void should_fail_before_downloading_when_the_file_is_over_the_cap() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        LocalStubs.comfy(comfy, "p-8", List.of(), png, "comfyui/history_success.json");
        Map<String, String> cfg = config();
        cfg.put("local.max-lora-bytes", "1000");
        served = Stubs.serve(home, cfg);

        served.http().post("/api/v1/generate", job("b-1", "stabilityai/stable-diffusion-xl-base-1.0",
                Map.of(A.modelId(), 1.0)));
        JsonNode doc = served.jobWhenEnded("b-1");

        assertThat(doc.at("/error/code").asText()).isEqualTo("payload_too_large");
        assertThat(doc.at("/error/message").asText()).contains("local.max-lora-bytes");
        assertThat(modelScope.findAll(getRequestedFor(urlPathEqualTo("/api/v1/models/" + A.modelId() + "/repo"))))
                .isEmpty();
    }

    @Test
    void should_dequeue_the_prompt_when_the_job_is_cancelled_while_comfyui_has_it_queued() throws Exception {
        LocalStubs.comfy(comfy, "p-9", List.of(), png, "comfyui/history_success.json");
        comfy.stubFor(get(urlPathEqualTo("/queue")).willReturn(okJson(LocalStubs.fixture("comfyui/queue_pending.json")
                .replace("${prompt_id}", "p-9"))));
        comfy.stubFor(get(urlPathEqualTo("/history/p-9")).willReturn(okJson("{}")));
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("k-1", "stabilityai/stable-diffusion-xl-base-1.0", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !comfy.findAll(getRequestedFor(urlPathEqualTo(
                "/history/p-9"))).isEmpty());
        served.http().post("/api/v1/generate/k-1/cancel", "");
        JsonNode doc = served.jobWhenEnded("k-1");

        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        assertThat(comfy.findAll(postRequestedFor(urlPathEqualTo("/queue"))).get(0).getBodyAsString())
                .contains("\"delete\"").contains("p-9");
        assertThat(comfy.findAll(postRequestedFor(urlPathEqualTo("/interrupt")))).isEmpty();
    }

    @Test
    void should_send_comfyuis_own_sampler_names_whether_the_job_spells_them_as_comfyui_or_as_a1111() throws Exception {
        LocalStubs.comfy(comfy, "p-s", List.of(), png, "comfyui/history_success.json");
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", plain("s-1", Map.of("sampler", "euler_ancestral", "scheduler", "karras")));
        JsonNode first = served.jobWhenEnded("s-1");
        comfy.resetScenarios();
        served.http().post("/api/v1/generate", plain("s-2", Map.of("sampler", "Euler a")));
        JsonNode second = served.jobWhenEnded("s-2");
        comfy.resetScenarios();
        // A1111's older names carry their scheduler (sd_samplers.py get_sampler_and_scheduler).
        served.http().post("/api/v1/generate", plain("s-4", Map.of("sampler", "DPM++ 2M Karras")));
        JsonNode third = served.jobWhenEnded("s-4");

        assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("succeeded");
        assertThat(second.path("status").asText()).as(second.toString()).isEqualTo("succeeded");
        assertThat(promptSent(0).at("/3/inputs/sampler_name").asText()).isEqualTo("euler_ancestral");
        assertThat(promptSent(0).at("/3/inputs/scheduler").asText()).isEqualTo("karras");
        assertThat(promptSent(1).at("/3/inputs/sampler_name").asText()).isEqualTo("euler_ancestral");
        assertThat(promptSent(1).at("/3/inputs/scheduler").asText()).isEqualTo("normal");
        assertThat(third.path("status").asText()).as(third.toString()).isEqualTo("succeeded");
        assertThat(promptSent(2).at("/3/inputs/sampler_name").asText()).isEqualTo("dpmpp_2m");
        assertThat(promptSent(2).at("/3/inputs/scheduler").asText()).isEqualTo("karras");
        assertThat(first.at("/meta/local/params/sampler").asText()).isEqualTo("euler_ancestral");
        assertThat(first.at("/meta/local/params/scheduler").asText()).isEqualTo("karras");
    }

    @Test
    void should_fail_listing_comfyuis_samplers_and_queue_nothing_when_the_sampler_is_unknown() throws Exception {
        LocalStubs.comfy(comfy, "p-u", List.of(), png, "comfyui/history_success.json");
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", plain("s-3", Map.of("sampler", "warp_drive")));
        JsonNode doc = served.jobWhenEnded("s-3");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("invalid_request");
        assertThat(doc.at("/error/message").asText()).contains("'warp_drive'").contains("params.sampler")
                .contains("euler_ancestral").contains("dpmpp_2m").contains("uni_pc_bh2");
        assertThat(comfy.findAll(postRequestedFor(urlPathEqualTo("/prompt")))).isEmpty();
    }

    @Test
    void should_fail_naming_the_checkpoint_and_queue_nothing_when_comfyui_does_not_have_it() throws Exception {
        LocalStubs.comfy(comfy, "p-c", List.of(), png, "comfyui/history_success.json");
        LocalStubs.comfyObjectInfo(comfy, List.of("broken-ckpt.safetensors", "tiny-sd15.safetensors"));
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", plain("c-9", Map.of()));
        JsonNode doc = served.jobWhenEnded("c-9");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("no checkpoint 'sd_xl_base_1.0.safetensors'")
                .contains("tiny-sd15.safetensors").contains("local.checkpoints");
        assertThat(comfy.findAll(postRequestedFor(urlPathEqualTo("/prompt")))).isEmpty();
    }

    /** The real queue of two clients: another client's prompt runs, this job's is pending behind it. */
    @Test
    void should_dequeue_only_this_prompt_and_leave_the_running_one_alone_when_cancelled_behind_another_client()
            throws Exception {
        JsonNode queue = LocalStubs.captured("queue_running_and_pending.json");
        String theirs = queue.at("/queue_running/0/1").asText();
        String ours = queue.at("/queue_pending/0/1").asText();
        LocalStubs.comfy(comfy, ours, List.of(), png, "comfyui/history_success.json");
        // The real server's reply to the prompt that was queued behind the running one, and its queue then.
        comfy.stubFor(post(urlPathEqualTo("/prompt")).willReturn(okJson(
                LocalStubs.captured("prompt_pending_to_delete.json").toString())));
        comfy.stubFor(get(urlPathEqualTo("/queue")).willReturn(okJson(queue.toString())));
        comfy.stubFor(get(urlPathEqualTo("/history/" + ours)).willReturn(okJson("{}")));
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", plain("k-2", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !comfy.findAll(getRequestedFor(urlPathEqualTo(
                "/history/" + ours))).isEmpty());
        served.http().post("/api/v1/generate/k-2/cancel", "");
        JsonNode doc = served.jobWhenEnded("k-2");

        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        JsonNode delete = JSON.readTree(comfy.findAll(postRequestedFor(urlPathEqualTo("/queue"))).get(0)
                .getBodyAsString());
        // Exactly the captured request that deleted the pending prompt on the real server.
        assertThat(delete).isEqualTo(JSON.readTree(LocalStubs.fixture("comfyui/captured/queue_delete_pending.json"))
                .at("/request/body"));
        assertThat(delete.toString()).doesNotContain(theirs);
        assertThat(comfy.findAll(postRequestedFor(urlPathEqualTo("/interrupt")))).isEmpty();
    }

    @Test
    void should_interrupt_by_its_prompt_id_when_cancelled_while_comfyui_renders_it() throws Exception {
        LocalStubs.comfy(comfy, "p-run", List.of(), png, "comfyui/history_success.json");
        comfy.stubFor(get(urlPathEqualTo("/history/p-run")).willReturn(okJson("{}")));
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", plain("k-3", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !comfy.findAll(getRequestedFor(urlPathEqualTo(
                "/history/p-run"))).isEmpty());
        served.http().post("/api/v1/generate/k-3/cancel", "");
        JsonNode doc = served.jobWhenEnded("k-3");

        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> interrupts =
                comfy.findAll(postRequestedFor(urlPathEqualTo("/interrupt")));
        assertThat(interrupts).hasSize(1);
        // The captured targeted interrupt (comfyui/captured/interrupt.json), with this prompt's id.
        JsonNode captured = JSON.readTree(LocalStubs.fixture("comfyui/captured/interrupt.json")).at("/request/body");
        ((com.fasterxml.jackson.databind.node.ObjectNode) captured).put("prompt_id", "p-run");
        assertThat(JSON.readTree(interrupts.get(0).getBodyAsString())).isEqualTo(captured);
    }

    /** The LoRA file the captured ComfyUI had in its loras folder (comfyui/captured/models_loras.json). */
    static String installedName() {
        return LocalStubs.captured("models_loras.json").get(1).asText();
    }

    @Test
    void should_render_with_an_installed_lora_at_its_model_and_clip_strengths_and_download_nothing() throws Exception {
        String name = installedName();
        LocalStubs.comfy(comfy, "p-l", List.of(), png, "comfyui/history_success.json");
        comfy.stubFor(get(urlPathEqualTo("/models/loras")).willReturn(okJson(
                LocalStubs.captured("models_loras.json").toString())));
        served = Stubs.serve(home, config());
        Map<String, Object> j = JSON.readValue(plain("i-1", Map.of("size", "130x100")), java.util.LinkedHashMap.class);
        j.put("loras", Map.of("local:" + name, Map.of("model", -0.8, "clip", 0.5)));

        served.http().post("/api/v1/generate", JSON.writeValueAsString(j));
        JsonNode doc = served.jobWhenEnded("i-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode loader = null;
        for (JsonNode n : promptSent(0)) {
            if ("LoraLoader".equals(n.path("class_type").asText())) {
                loader = n.path("inputs");
            }
        }
        assertThat(loader).isNotNull();
        assertThat(loader.path("lora_name").asText()).isEqualTo(name);
        assertThat(loader.path("strength_model").asDouble()).isEqualTo(-0.8);
        assertThat(loader.path("strength_clip").asDouble()).isEqualTo(0.5);
        assertThat(modelScope.getAllServeEvents()).isEmpty();
        // The size of the image ComfyUI made (it floors to multiples of 8), not the 130x100 asked for.
        assertThat(doc.at("/result/0/meta/width").asInt()).isEqualTo(128);
        assertThat(doc.at("/result/0/meta/height").asInt()).isEqualTo(96);
        assertThat(doc.at("/result/0/data/mime").asText()).isEqualTo("image/png");
    }

    @Test
    void should_fail_naming_the_installed_lora_when_comfyui_does_not_list_it() throws Exception {
        LocalStubs.comfy(comfy, "p-m", List.of("other.safetensors"), png, "comfyui/history_success.json");
        served = Stubs.serve(home, config());
        Map<String, Object> j = JSON.readValue(plain("i-2", Map.of()), java.util.LinkedHashMap.class);
        j.put("loras", "local:gone.safetensors");

        served.http().post("/api/v1/generate", JSON.writeValueAsString(j));
        JsonNode doc = served.jobWhenEnded("i-2");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("no LoRA 'gone.safetensors'")
                .contains("/api/v1/local/loras");
        assertThat(comfy.findAll(postRequestedFor(urlPathEqualTo("/prompt")))).isEmpty();
    }

    @Test
    void should_list_comfyuis_installed_loras_and_its_sampler_names_for_the_generate_form() throws Exception {
        LocalStubs.comfy(comfy, "p-n", List.of(), png, "comfyui/history_success.json");
        comfy.stubFor(get(urlPathEqualTo("/models/loras")).willReturn(okJson(
                LocalStubs.captured("models_loras.json").toString())));
        served = Stubs.serve(home, config());

        JsonNode loras = JSON.readTree(served.http().get("/api/v1/local/loras").body());
        JsonNode names = JSON.readTree(served.http().get("/api/v1/local/samplers").body());

        assertThat(loras.path("backend").asText()).isEqualTo("comfyui");
        assertThat(loras.at("/loras/1/name").asText()).isEqualTo(installedName());
        assertThat(loras.at("/loras/1/job_key").asText()).isEqualTo("local:" + installedName());
        assertThat(names.path("samplers")).hasSize(42);
        assertThat(names.path("samplers").toString()).contains("\"euler_ancestral\"");
        assertThat(names.path("schedulers").toString()).contains("\"karras\"").contains("\"normal\"");
    }
}
