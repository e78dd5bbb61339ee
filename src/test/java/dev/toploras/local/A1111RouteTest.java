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
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.toploras.support.Images;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * local.backend=a1111 on the route-test layer (local-a1111, local-loras, local-http, generation): the LoRA refresh,
 * the progress watch and cancel, errors and the sampler and checkpoint checks against the A1111 and ModelScope
 * stubs. A1111BackendTest keeps one job through a whole `serve`.
 */
class A1111RouteTest extends LocalBackendRouteTestSupport {
    /** A base model mapped to a checkpoint A1111 does not have (a1111/sd_models.json). */
    static final String UNKNOWN_TO_A1111 = "stabilityai/sdxl-elsewhere";
    final byte[] png = Images.png(128, 96);

    A1111RouteTest() {
        super(Backend.A1111);
    }

    @Override
    Map<String, String> more() {
        return Map.of("local.checkpoints", SDXL + "=sd_xl_base_1.0.safetensors," + UNKNOWN_TO_A1111
                        + "=sdxl_missing.safetensors",
                // Shorter than the 3 s render of the cancel test: txt2img must wait on local.timeout, not http.timeout.
                "http.timeout", "1s");
    }

    /** A LoRA repository of one test's own (the listing pick of a model is kept across the class's jobs). */
    static LocalStubs.Weight lora(String repo, long seed) {
        return LocalStubs.weight("painter/" + repo, "ink-wash.safetensors", 40_000, seed);
    }

    static String job(String id, Map<String, Double> loras) throws Exception {
        return job(id, loras, Map.of());
    }

    static String job(String id, Map<String, Double> loras, Map<String, Object> extraParams) throws Exception {
        return job(id, SDXL, loras, extraParams);
    }

    static String job(String id, String baseModel, Map<String, Double> loras, Map<String, Object> extraParams)
            throws Exception {
        Map<String, Object> j = new HashMap<>();
        j.put("job_id", id);
        j.put("task", TASK);
        j.put("model_id", baseModel);
        if (!loras.isEmpty()) {
            j.put("loras", loras);
        }
        Map<String, Object> params = new HashMap<>(Map.of("prompt", "a heron in the mist", "size", "128x96",
                "steps", 30, "guidance", 7.5, "seed", 12345));
        params.putAll(extraParams);
        j.put("params", params);
        j.put("backend", "local");
        return JSON.writeValueAsString(j);
    }

    /** Lists the LoRAs {@code a} and {@code b} only after a refresh, as A1111 does for files that arrived while it runs. */
    static void a1111Stub(WireMockServer a1111, String txt2imgReply, LocalStubs.Weight a, LocalStubs.Weight b) {
        String listed = LocalStubs.fixture("a1111/loras.json").replace("${name_a}", a.stem())
                .replace("${name_b}", b.stem());
        a1111.stubFor(get(urlPathEqualTo("/sdapi/v1/loras")).inScenario("scan").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("[]")));
        a1111.stubFor(post(urlPathEqualTo("/sdapi/v1/refresh-loras")).inScenario("scan")
                .willReturn(okJson("null")).willSetStateTo("scanned"));
        a1111.stubFor(get(urlPathEqualTo("/sdapi/v1/loras")).inScenario("scan").whenScenarioStateIs("scanned")
                .willReturn(okJson(listed)));
        LocalStubs.a1111Lists(a1111);
        a1111.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(okJson(txt2imgReply)
                .withFixedDelay(150)));
    }

    /** The stub for a job whose LoRAs, if any, are {@code a}. */
    void a1111Stub(LocalStubs.Weight a) {
        a1111Stub(backend, reply(png), a, lora("unused", 99));
    }

    void a1111Stub() {
        a1111Stub(lora("unused-too", 98));
    }

    static String reply(byte[] png) {
        return LocalStubs.fixture("a1111/txt2img_reply.json")
                .replace("${png_base64}", Base64.getEncoder().encodeToString(png))
                .replace("${prompt}", "a heron in the mist");
    }

    String reply() {
        return reply(png);
    }

    @Test
    void should_not_refresh_when_every_lora_was_already_stored() throws Exception {
        LocalStubs.Weight a = lora("stored", 21);
        LocalStubs.modelScope(modelScope, a);
        a1111Stub(a);

        assertThat(run(job("s-1", Map.of(a.modelId(), 1.0))).path("status").asText()).isEqualTo("succeeded");
        assertThat(run(job("s-2", Map.of(a.modelId(), 1.0))).path("status").asText()).isEqualTo("succeeded");

        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/refresh-loras")))).hasSize(1);
        assertThat(modelScope.findAll(getRequestedFor(urlPathEqualTo("/api/v1/models/" + a.modelId() + "/repo"))))
                .hasSize(1);
    }

    @Test
    void should_fail_naming_the_folder_when_a1111_does_not_list_the_lora() throws Exception {
        LocalStubs.Weight a = lora("unlisted", 22);
        LocalStubs.modelScope(modelScope, a);
        a1111Stub(a);
        backend.stubFor(get(urlPathEqualTo("/sdapi/v1/loras")).willReturn(okJson("[]")));

        JsonNode doc = run(job("l-1", Map.of(a.modelId(), 1.0)));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains(a.stem()).contains("local.loras-dir");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img")))).isEmpty();
    }

    @Test
    void should_fail_with_a1111s_own_detail_when_it_answers_an_error() throws Exception {
        a1111Stub();
        backend.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody(LocalStubs.fixture("a1111/error_sampler_not_found.json"))));

        JsonNode doc = run(job("e-1", Map.of()));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("upstream_rejected");
        assertThat(doc.at("/error/message").asText()).contains("Sampler not found");
        // What was sent stays on the failed job beside A1111's own words.
        assertThat(doc.at("/meta/backend").asText()).isEqualTo("a1111");
        assertThat(doc.at("/meta/local/params/sampler").asText()).isEqualTo("Euler a");
        assertThat(doc.at("/meta/local/params/checkpoint").asText()).isEqualTo("sd_xl_base_1.0.safetensors");
    }

    @Test
    void should_interrupt_a1111_and_end_cancelled_when_the_job_is_cancelled_while_rendering() throws Exception {
        a1111Stub();
        backend.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(okJson(reply()).withFixedDelay(3000)));

        var running = start(job("k-1", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !backend.findAll(postRequestedFor(urlPathEqualTo(
                "/internal/progress"))).isEmpty());
        JsonNode doc = cancelAndWait("k-1", running);

        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/interrupt")))).hasSize(1);
        String task = JSON.readTree(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img"))).get(0)
                .getBodyAsString()).path("force_task_id").asText();
        assertThat(task).isNotBlank();
        assertThat(JSON.readTree(backend.findAll(postRequestedFor(urlPathEqualTo("/internal/progress"))).get(0)
                .getBodyAsString()).path("id_task").asText()).isEqualTo(task);
    }

    /**
     * Another client's render holds A1111 (progress.py: this task is queued, not active): a cancel must not send
     * the global /sdapi/v1/interrupt, which would kill that render; once this task runs, it is interrupted.
     */
    @Test
    void should_leave_another_clients_render_alone_and_interrupt_only_once_this_task_runs() throws Exception {
        a1111Stub();
        backend.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(okJson(reply()).withFixedDelay(4000)));
        backend.stubFor(post(urlPathEqualTo("/internal/progress")).inScenario("task")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(okJson(
                        LocalStubs.fixture("a1111/internal_progress_queued.json"))));
        backend.stubFor(post(urlPathEqualTo("/internal/progress")).inScenario("task").whenScenarioStateIs("ours")
                .willReturn(okJson(LocalStubs.fixture("a1111/internal_progress_active.json"))));

        var running = start(job("k-2", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !backend.findAll(postRequestedFor(urlPathEqualTo(
                "/internal/progress"))).isEmpty());
        requestCancel("k-2");
        int seen = backend.findAll(postRequestedFor(urlPathEqualTo("/internal/progress"))).size();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.findAll(postRequestedFor(urlPathEqualTo(
                "/internal/progress"))).size() >= seen + 3);

        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/interrupt")))).isEmpty();
        assertThat(running).isNotDone();
        assertThat(doc("k-2").path("status").asText()).isNotIn("cancelled", "failed", "succeeded");

        backend.setScenarioState("task", "ours");
        JsonNode doc = ended("k-2", running);
        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/interrupt")))).hasSize(1);
    }

    @Test
    void should_send_euler_ancestral_as_euler_a_with_its_scheduler_and_record_the_checkpoint_that_ran()
            throws Exception {
        a1111Stub();

        JsonNode doc = run(job("n-1", Map.of(), Map.of("sampler", "euler_ancestral", "scheduler", "karras")));

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode body = JSON.readTree(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img"))).get(0)
                .getBodyAsString());
        assertThat(body.path("sampler_name").asText()).isEqualTo("Euler a");
        assertThat(body.path("scheduler").asText()).isEqualTo("karras");
        assertThat(doc.at("/meta/local/params/sampler").asText()).isEqualTo("Euler a");
        // From the reply's info (sd_model_name, sd_model_hash), not from the request.
        assertThat(doc.at("/meta/local/params/checkpoint").asText()).isEqualTo("sd_xl_base_1.0");
        assertThat(doc.at("/meta/local/params/checkpoint_hash").asText()).isEqualTo("31e35c80fc");
    }

    @Test
    void should_fail_listing_a1111s_samplers_and_render_nothing_when_the_sampler_is_unknown() throws Exception {
        a1111Stub();

        JsonNode doc = run(job("n-2", Map.of(), Map.of("sampler", "warp_drive")));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("'warp_drive'").contains("Euler a")
                .contains("DPM++ 2M");
        JsonNode other = run(job("n-4", Map.of(), Map.of("scheduler", "warp_schedule")));
        assertThat(other.path("status").asText()).isEqualTo("failed");
        assertThat(other.at("/error/message").asText()).contains("no scheduler 'warp_schedule'").contains("karras");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img")))).isEmpty();
    }

    @Test
    void should_fail_naming_the_checkpoint_and_render_nothing_when_a1111_does_not_have_it() throws Exception {
        a1111Stub();

        JsonNode doc = run(job("n-3", UNKNOWN_TO_A1111, Map.of(), Map.of()));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("'sdxl_missing.safetensors'")
                .contains("sd_xl_base_1.0.safetensors [31e35c80fc]");
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img")))).isEmpty();
    }

    @Test
    void should_tag_an_installed_lora_with_its_clip_and_model_strengths_and_download_nothing() throws Exception {
        a1111Stub();
        backend.stubFor(get(urlPathEqualTo("/sdapi/v1/loras")).willReturn(okJson(LocalStubs.fixture("a1111/loras.json")
                .replace("${name_a}", "paper_cut").replace("${name_b}", "slider_age"))));
        @SuppressWarnings("unchecked")
        Map<String, Object> j = JSON.readValue(job("i-1", Map.of()), LinkedHashMap.class);
        j.put("loras", Map.of("local:slider_age", Map.of("model", -1.5, "clip", 0.5)));

        JsonNode doc = run(JSON.writeValueAsString(j));

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode body = JSON.readTree(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img"))).get(0)
                .getBodyAsString());
        // <lora:name:te:unet> (extensions-builtin/Lora/extra_networks_lora.py): text encoder first, then UNet.
        assertThat(body.path("prompt").asText()).isEqualTo("a heron in the mist <lora:slider_age:0.5:-1.5>");
        assertThat(modelScope.getAllServeEvents()).isEmpty();
        assertThat(backend.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/refresh-loras")))).isEmpty();
    }

    @Test
    void should_list_a1111s_installed_loras_with_their_metadata_and_its_sampler_names() throws Exception {
        a1111Stub();
        backend.stubFor(get(urlPathEqualTo("/sdapi/v1/loras")).willReturn(okJson(LocalStubs.fixture("a1111/loras.json")
                .replace("${name_a}", "paper_cut").replace("${name_b}", "slider_age"))));

        JsonNode loras = installedLoras();
        JsonNode names = samplerNames();

        assertThat(loras.path("backend").asText()).isEqualTo("a1111");
        assertThat(loras.at("/loras/0/name").asText()).isEqualTo("paper_cut");
        assertThat(loras.at("/loras/0/job_key").asText()).isEqualTo("local:paper_cut");
        assertThat(loras.at("/loras/0/metadata/ss_network_dim").asText()).isEqualTo("32");
        assertThat(loras.toString()).doesNotContain("\"path\"");
        assertThat(names.path("samplers").toString()).contains("\"Euler a\"").contains("\"DPM++ 2M\"");
        assertThat(names.path("schedulers").toString()).contains("\"karras\"").contains("\"sgm_uniform\"");
    }
}
