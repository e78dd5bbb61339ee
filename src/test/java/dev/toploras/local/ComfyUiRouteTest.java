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
import dev.toploras.support.Images;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * local.backend=comfyui on the route-test layer (local-comfyui, local-comfyui-inputs, local-loras, local-http,
 * generation): the polling, cancel, errors, sampler and checkpoint checks and the LoRA install against the ComfyUI
 * and ModelScope stubs. ComfyUiBackendTest keeps one job through a whole `serve`.
 */
class ComfyUiRouteTest extends LocalBackendRouteTestSupport {
    final byte[] png = Images.png(128, 96);

    ComfyUiRouteTest() {
        super(Backend.COMFYUI);
    }

    /** A LoRA repository of one test's own (the listing pick of a model is kept across the class's jobs). */
    static LocalStubs.Weight lora(String repo, long seed) {
        return LocalStubs.weight("painter/" + repo, "ink-wash.safetensors", 70_000, seed);
    }

    static String job(String id, String baseModel, Map<String, Double> loras) throws Exception {
        Map<String, Object> j = new HashMap<>();
        j.put("job_id", id);
        j.put("task", TASK);
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
    @SuppressWarnings("unchecked")
    static String plain(String id, Map<String, Object> extra) throws Exception {
        Map<String, Object> j = JSON.readValue(job(id, SDXL, Map.of()), LinkedHashMap.class);
        Map<String, Object> params = new LinkedHashMap<>((Map<String, Object>) j.get("params"));
        params.putAll(extra);
        j.put("params", params);
        return JSON.writeValueAsString(j);
    }

    JsonNode promptSent(int i) throws Exception {
        return JSON.readTree(backend.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(i).getBodyAsString())
                .path("prompt");
    }

    @Test
    void should_download_a_lora_once_when_two_jobs_use_it() throws Exception {
        LocalStubs.Weight A = lora("once", 11);
        LocalStubs.modelScope(modelScope, A);
        LocalStubs.comfy(backend, "p-2", List.of(A.storedName()), png, "comfyui/history_success.json");
        String one = job("d-1", SDXL, Map.of(A.modelId(), 1.0));
        String two = job("d-2", SDXL, Map.of(A.modelId(), 1.0));

        // Side by side, as serve's two queue consumers take them.
        var runningOne = start(one);
        var runningTwo = start(two);
        JsonNode first = ended("d-1", runningOne);
        JsonNode second = ended("d-2", runningTwo);

        assertThat(first.path("status").asText()).isEqualTo("succeeded");
        assertThat(second.path("status").asText()).isEqualTo("succeeded");
        assertThat(modelScope.findAll(getRequestedFor(urlPathEqualTo("/api/v1/models/" + A.modelId() + "/repo"))))
                .hasSize(1);
        assertThat(second.at("/meta/local/loras/0/sha256").asText()).isEqualTo(A.sha256());
    }

    @Test
    void should_fail_with_comfyuis_own_message_when_it_rejects_the_graph() throws Exception {
        LocalStubs.comfy(backend, "p-3", List.of(), png, "comfyui/history_success.json");
        backend.stubFor(post(urlPathEqualTo("/prompt")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(LocalStubs.fixture("comfyui/prompt_rejected_value_not_in_list.json"))));

        JsonNode doc = run(job("r-1", SDXL, Map.of()));

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
        LocalStubs.comfy(backend, "p-4", List.of(), png, "comfyui/history_execution_error.json");

        JsonNode doc = run(job("x-1", SDXL, Map.of()));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("KSampler (node 3) failed")
                .contains("out of memory");
    }

    @Test
    void should_fail_naming_the_key_when_the_base_model_has_no_checkpoint() throws Exception {
        LocalStubs.comfy(backend, "p-5", List.of(), png, "comfyui/history_success.json");

        JsonNode doc = run(job("m-1", "Qwen/Qwen-Image", Map.of()));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("Qwen/Qwen-Image").contains("local.checkpoints");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/prompt")))).isEmpty();
    }

    @Test
    void should_fail_as_not_found_when_the_lora_is_missing_upstream() throws Exception {
        modelScope.stubFor(get(urlPathEqualTo("/api/v1/models/ghost/none/repo/files")).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/json")
                .withBody(LocalStubs.fixture("modelscope/model_files_not_found.json"))));
        LocalStubs.comfy(backend, "p-6", List.of(), png, "comfyui/history_success.json");

        JsonNode doc = run(job("n-1", SDXL,
                Map.of("ghost/none", 1.0)));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("not_found");
        assertThat(doc.at("/error/message").asText()).contains("ghost/none");
    }

    @Test
    void should_list_again_when_modelscope_answers_503_once() throws Exception {
        LocalStubs.Weight A = lora("busy", 12);
        LocalStubs.modelScope(modelScope, A);
        String files = "/api/v1/models/" + A.modelId() + "/repo/files";
        modelScope.stubFor(get(urlPathEqualTo(files)).inScenario("busy")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("Server is busy")).willSetStateTo("ok"));
        LocalStubs.comfy(backend, "p-r", List.of(A.storedName()), png, "comfyui/history_success.json");

        JsonNode doc = run(job("t-1", SDXL,
                Map.of(A.modelId(), 1.0)));

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(modelScope.findAll(getRequestedFor(urlPathEqualTo(files)))).hasSize(2);
    }

    @Test
    void should_fail_and_keep_nothing_when_the_download_does_not_match_its_sha256() throws Exception {
        LocalStubs.Weight A = lora("mismatch", 13);
        LocalStubs.modelScope(modelScope, A, "0".repeat(64));
        LocalStubs.comfy(backend, "p-7", List.of(), png, "comfyui/history_success.json");

        JsonNode doc = run(job("h-1", SDXL,
                Map.of(A.modelId(), 1.0)));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("sha256").contains(A.sha256());
        try (var files = Files.list(homeDir().resolve("loras"))) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void should_dequeue_the_prompt_when_the_job_is_cancelled_while_comfyui_has_it_queued() throws Exception {
        LocalStubs.comfy(backend, "p-9", List.of(), png, "comfyui/history_success.json");
        backend.stubFor(get(urlPathEqualTo("/queue")).willReturn(okJson(LocalStubs.fixture("comfyui/queue_pending.json")
                .replace("${prompt_id}", "p-9"))));
        backend.stubFor(get(urlPathEqualTo("/history/p-9")).willReturn(okJson("{}")));

        var running = start(job("k-1", SDXL, Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !backend.findAll(getRequestedFor(urlPathEqualTo(
                "/history/p-9"))).isEmpty());
        JsonNode doc = cancelAndWait("k-1", running);

        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/queue"))).get(0).getBodyAsString())
                .contains("\"delete\"").contains("p-9");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/interrupt")))).isEmpty();
    }

    @Test
    void should_send_comfyuis_own_sampler_names_whether_the_job_spells_them_as_comfyui_or_as_a1111() throws Exception {
        LocalStubs.comfy(backend, "p-s", List.of(), png, "comfyui/history_success.json");

        JsonNode first = run(plain("s-1", Map.of("sampler", "euler_ancestral", "scheduler", "karras")));
        backend.resetScenarios();
        JsonNode second = run(plain("s-2", Map.of("sampler", "Euler a")));
        backend.resetScenarios();
        // A1111's older names carry their scheduler (sd_samplers.py get_sampler_and_scheduler).
        JsonNode third = run(plain("s-4", Map.of("sampler", "DPM++ 2M Karras")));

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
        LocalStubs.comfy(backend, "p-u", List.of(), png, "comfyui/history_success.json");

        JsonNode doc = run(plain("s-3", Map.of("sampler", "warp_drive")));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("invalid_request");
        assertThat(doc.at("/error/message").asText()).contains("'warp_drive'").contains("params.sampler")
                .contains("euler_ancestral").contains("dpmpp_2m").contains("uni_pc_bh2");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/prompt")))).isEmpty();
    }

    @Test
    void should_fail_naming_the_checkpoint_and_queue_nothing_when_comfyui_does_not_have_it() throws Exception {
        LocalStubs.comfy(backend, "p-c", List.of(), png, "comfyui/history_success.json");
        LocalStubs.comfyObjectInfo(backend, List.of("broken-ckpt.safetensors", "tiny-sd15.safetensors"));

        JsonNode doc = run(plain("c-9", Map.of()));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("no checkpoint 'sd_xl_base_1.0.safetensors'")
                .contains("tiny-sd15.safetensors").contains("local.checkpoints");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/prompt")))).isEmpty();
    }

    /** The real queue of two clients: another client's prompt runs, this job's is pending behind it. */
    @Test
    void should_dequeue_only_this_prompt_and_leave_the_running_one_alone_when_cancelled_behind_another_client()
            throws Exception {
        JsonNode queue = LocalStubs.captured("queue_running_and_pending.json");
        String theirs = queue.at("/queue_running/0/1").asText();
        String ours = queue.at("/queue_pending/0/1").asText();
        LocalStubs.comfy(backend, ours, List.of(), png, "comfyui/history_success.json");
        // The real server's reply to the prompt that was queued behind the running one, and its queue then.
        backend.stubFor(post(urlPathEqualTo("/prompt")).willReturn(okJson(
                LocalStubs.captured("prompt_pending_to_delete.json").toString())));
        backend.stubFor(get(urlPathEqualTo("/queue")).willReturn(okJson(queue.toString())));
        backend.stubFor(get(urlPathEqualTo("/history/" + ours)).willReturn(okJson("{}")));

        var running = start(plain("k-2", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !backend.findAll(getRequestedFor(urlPathEqualTo(
                "/history/" + ours))).isEmpty());
        JsonNode doc = cancelAndWait("k-2", running);

        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        JsonNode delete = JSON.readTree(backend.findAll(postRequestedFor(urlPathEqualTo("/queue"))).get(0)
                .getBodyAsString());
        // Exactly the captured request that deleted the pending prompt on the real server.
        assertThat(delete).isEqualTo(JSON.readTree(LocalStubs.fixture("comfyui/captured/queue_delete_pending.json"))
                .at("/request/body"));
        assertThat(delete.toString()).doesNotContain(theirs);
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/interrupt")))).isEmpty();
    }

    @Test
    void should_interrupt_by_its_prompt_id_when_cancelled_while_comfyui_renders_it() throws Exception {
        LocalStubs.comfy(backend, "p-run", List.of(), png, "comfyui/history_success.json");
        backend.stubFor(get(urlPathEqualTo("/history/p-run")).willReturn(okJson("{}")));

        var running = start(plain("k-3", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !backend.findAll(getRequestedFor(urlPathEqualTo(
                "/history/p-run"))).isEmpty());
        JsonNode doc = cancelAndWait("k-3", running);

        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> interrupts =
                backend.findAll(postRequestedFor(urlPathEqualTo("/interrupt")));
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
        LocalStubs.comfy(backend, "p-l", List.of(), png, "comfyui/history_success.json");
        backend.stubFor(get(urlPathEqualTo("/models/loras")).willReturn(okJson(
                LocalStubs.captured("models_loras.json").toString())));
        Map<String, Object> j = JSON.readValue(plain("i-1", Map.of("size", "130x100")), LinkedHashMap.class);
        j.put("loras", Map.of("local:" + name, Map.of("model", -0.8, "clip", 0.5)));

        JsonNode doc = run(JSON.writeValueAsString(j));

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
        LocalStubs.comfy(backend, "p-m", List.of("other.safetensors"), png, "comfyui/history_success.json");
        Map<String, Object> j = JSON.readValue(plain("i-2", Map.of()), LinkedHashMap.class);
        j.put("loras", "local:gone.safetensors");

        JsonNode doc = run(JSON.writeValueAsString(j));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("no LoRA 'gone.safetensors'")
                .contains("/api/v1/local/loras");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/prompt")))).isEmpty();
    }

    @Test
    void should_list_comfyuis_installed_loras_and_its_sampler_names_for_the_generate_form() throws Exception {
        LocalStubs.comfy(backend, "p-n", List.of(), png, "comfyui/history_success.json");
        backend.stubFor(get(urlPathEqualTo("/models/loras")).willReturn(okJson(
                LocalStubs.captured("models_loras.json").toString())));

        JsonNode loras = installedLoras();
        JsonNode names = samplerNames();

        assertThat(loras.path("backend").asText()).isEqualTo("comfyui");
        assertThat(loras.at("/loras/1/name").asText()).isEqualTo(installedName());
        assertThat(loras.at("/loras/1/job_key").asText()).isEqualTo("local:" + installedName());
        assertThat(names.path("samplers")).hasSize(42);
        assertThat(names.path("samplers").toString()).contains("\"euler_ancestral\"");
        assertThat(names.path("schedulers").toString()).contains("\"karras\"").contains("\"normal\"");
    }
}