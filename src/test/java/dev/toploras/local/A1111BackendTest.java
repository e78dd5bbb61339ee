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
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** local.backend=a1111 against an AUTOMATIC1111 API stub and a ModelScope model-files stub, through the HTTP API. */
class A1111BackendTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalStubs.Weight A = LocalStubs.weight("painter/ink-wash", "ink-wash.safetensors", 40_000, 3);
    static final LocalStubs.Weight B = LocalStubs.weight("studio/soft-light", "soft_light_v2.safetensors", 30_000, 4);
    WireMockServer modelScope;
    WireMockServer a1111;
    Stubs.Served served;
    byte[] png = Images.png(128, 96);

    @TempDir
    Path home;

    @BeforeEach
    void stubs() {
        modelScope = Stubs.wireMock();
        a1111 = Stubs.wireMock();
    }

    @AfterEach
    void stop() {
        if (served != null) {
            served.runtime().close();
        }
        modelScope.stop();
        a1111.stop();
    }

    Map<String, String> config() {
        Map<String, String> m = new HashMap<>();
        m.put("local.backend", "a1111");
        m.put("local.a1111.url", a1111.baseUrl());
        m.put("modelscope.base-url", modelScope.baseUrl());
        m.put("local.checkpoints", "stabilityai/stable-diffusion-xl-base-1.0=sd_xl_base_1.0.safetensors");
        m.put("local.poll-interval", "20");
        // Shorter than the 3 s render of the cancel test: txt2img must wait on local.timeout, not http.timeout.
        m.put("http.timeout", "1s");
        return m;
    }

    static String job(String id, Map<String, Double> loras) throws Exception {
        return job(id, loras, Map.of());
    }

    static String job(String id, Map<String, Double> loras, Map<String, Object> extraParams) throws Exception {
        Map<String, Object> j = new HashMap<>();
        j.put("job_id", id);
        j.put("task", "text-to-image-synthesis");
        j.put("model_id", "stabilityai/stable-diffusion-xl-base-1.0");
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

    /** Lists the LoRAs only after a refresh, as A1111 does for files that arrived while it runs. */
    void a1111Stub(String txt2imgReply) {
        String listed = LocalStubs.fixture("a1111/loras.json").replace("${name_a}", A.stem())
                .replace("${name_b}", B.stem());
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

    String reply() {
        return LocalStubs.fixture("a1111/txt2img_reply.json")
                .replace("${png_base64}", Base64.getEncoder().encodeToString(png))
                .replace("${prompt}", "a heron in the mist");
    }

    @Test
    void should_render_with_both_lora_tags_after_a_refresh_when_the_files_were_just_downloaded() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        LocalStubs.modelScope(modelScope, B);
        a1111Stub(reply());
        served = Stubs.serve(home, config());
        Map<String, Double> loras = new LinkedHashMap<>();
        loras.put(A.modelId(), 0.7);
        loras.put(B.modelId(), 0.3);

        served.http().post("/api/v1/generate", job("a-1", loras));
        JsonNode doc = served.jobWhenEnded("a-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode body = JSON.readTree(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img"))).get(0)
                .getBodyAsString());
        assertThat(body.path("prompt").asText()).startsWith("a heron in the mist ")
                .contains("<lora:" + A.stem() + ":0.7>").contains("<lora:" + B.stem() + ":0.3>");
        assertThat(body.path("seed").asLong()).isEqualTo(12345);
        assertThat(body.at("/override_settings/sd_model_checkpoint").asText()).isEqualTo("sd_xl_base_1.0.safetensors");
        assertThat(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/refresh-loras")))).hasSize(1);
        assertThat(doc.at("/meta/backend").asText()).isEqualTo("a1111");
        assertThat(Files.readAllBytes(home.resolve(doc.at("/result/0/data/url").asText()))).isEqualTo(png);
        assertThat(doc.at("/meta/local/params/seed").asLong()).isEqualTo(12345);
        List<String> hashes = new java.util.ArrayList<>();
        doc.at("/meta/local/loras").forEach(l -> hashes.add(l.path("sha256").asText()));
        assertThat(hashes).containsExactlyInAnyOrder(A.sha256(), B.sha256());
        List<String> steps = new java.util.ArrayList<>();
        doc.at("/meta/timing/steps").forEach(s -> steps.add(s.path("name").asText()));
        assertThat(steps).contains("lora_download", "render");
    }

    @Test
    void should_not_refresh_when_every_lora_was_already_stored() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        a1111Stub(reply());
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("s-1", Map.of(A.modelId(), 1.0)));
        assertThat(served.jobWhenEnded("s-1").path("status").asText()).isEqualTo("succeeded");
        served.http().post("/api/v1/generate", job("s-2", Map.of(A.modelId(), 1.0)));
        assertThat(served.jobWhenEnded("s-2").path("status").asText()).isEqualTo("succeeded");

        assertThat(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/refresh-loras")))).hasSize(1);
        assertThat(modelScope.findAll(getRequestedFor(urlPathEqualTo("/api/v1/models/" + A.modelId() + "/repo"))))
                .hasSize(1);
    }

    @Test
    void should_fail_naming_the_folder_when_a1111_does_not_list_the_lora() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        a1111Stub(reply());
        a1111.stubFor(get(urlPathEqualTo("/sdapi/v1/loras")).willReturn(okJson("[]")));
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("l-1", Map.of(A.modelId(), 1.0)));
        JsonNode doc = served.jobWhenEnded("l-1");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains(A.stem()).contains("local.loras-dir");
        assertThat(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img")))).isEmpty();
    }

    @Test
    void should_fail_with_a1111s_own_detail_when_it_answers_an_error() throws Exception {
        a1111Stub(reply());
        a1111.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody(LocalStubs.fixture("a1111/error_sampler_not_found.json"))));
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("e-1", Map.of()));
        JsonNode doc = served.jobWhenEnded("e-1");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("upstream_rejected");
        assertThat(doc.at("/error/message").asText()).contains("Sampler not found");
        // What was sent stays on the failed job beside A1111's own words.
        assertThat(doc.at("/meta/backend").asText()).isEqualTo("a1111");
        assertThat(doc.at("/meta/local/params/sampler").asText()).isEqualTo("Euler a");
        assertThat(doc.at("/meta/local/params/checkpoint").asText()).isEqualTo("sd_xl_base_1.0.safetensors");
    }

    @Test
    void should_fail_as_unavailable_when_a1111_is_down() throws Exception {
        Map<String, String> cfg = config();
        cfg.put("local.a1111.url", "http://127.0.0.1:" + dev.toploras.support.Http.freePort());
        served = Stubs.serve(home, cfg);

        served.http().post("/api/v1/generate", job("u-1", Map.of()));
        JsonNode doc = served.jobWhenEnded("u-1");

        assertThat(doc.at("/error/code").asText()).isEqualTo("upstream_unavailable");
        assertThat(doc.at("/error/message").asText()).contains("a1111").contains("does not answer");
    }

    @Test
    void should_interrupt_a1111_and_end_cancelled_when_the_job_is_cancelled_while_rendering() throws Exception {
        a1111Stub(reply());
        a1111.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(okJson(reply()).withFixedDelay(3000)));
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("k-1", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !a1111.findAll(postRequestedFor(urlPathEqualTo(
                "/internal/progress"))).isEmpty());
        served.http().post("/api/v1/generate/k-1/cancel", "");
        JsonNode doc = served.jobWhenEnded("k-1");

        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        assertThat(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/interrupt")))).hasSize(1);
        String task = JSON.readTree(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img"))).get(0)
                .getBodyAsString()).path("force_task_id").asText();
        assertThat(task).isNotBlank();
        assertThat(JSON.readTree(a1111.findAll(postRequestedFor(urlPathEqualTo("/internal/progress"))).get(0)
                .getBodyAsString()).path("id_task").asText()).isEqualTo(task);
    }

    /**
     * Another client's render holds A1111 (progress.py: this task is queued, not active): a cancel must not send
     * the global /sdapi/v1/interrupt, which would kill that render; once this task runs, it is interrupted.
     */
    @Test
    void should_leave_another_clients_render_alone_and_interrupt_only_once_this_task_runs() throws Exception {
        a1111Stub(reply());
        a1111.stubFor(post(urlPathEqualTo("/sdapi/v1/txt2img")).willReturn(okJson(reply()).withFixedDelay(4000)));
        a1111.stubFor(post(urlPathEqualTo("/internal/progress")).inScenario("task")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(okJson(
                        LocalStubs.fixture("a1111/internal_progress_queued.json"))));
        a1111.stubFor(post(urlPathEqualTo("/internal/progress")).inScenario("task").whenScenarioStateIs("ours")
                .willReturn(okJson(LocalStubs.fixture("a1111/internal_progress_active.json"))));
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("k-2", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !a1111.findAll(postRequestedFor(urlPathEqualTo(
                "/internal/progress"))).isEmpty());
        served.http().post("/api/v1/generate/k-2/cancel", "");
        int seen = a1111.findAll(postRequestedFor(urlPathEqualTo("/internal/progress"))).size();
        await().atMost(Duration.ofSeconds(10)).until(() -> a1111.findAll(postRequestedFor(urlPathEqualTo(
                "/internal/progress"))).size() >= seen + 3);

        assertThat(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/interrupt")))).isEmpty();
        assertThat(JSON.readTree(served.http().get("/api/v1/generate/k-2").body()).path("status").asText())
                .isNotIn("cancelled", "failed", "succeeded");

        a1111.setScenarioState("task", "ours");
        JsonNode doc = served.jobWhenEnded("k-2");
        assertThat(doc.path("status").asText()).isEqualTo("cancelled");
        assertThat(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/interrupt")))).hasSize(1);
    }

    @Test
    void should_send_euler_ancestral_as_euler_a_with_its_scheduler_and_record_the_checkpoint_that_ran()
            throws Exception {
        a1111Stub(reply());
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("n-1", Map.of(), Map.of("sampler", "euler_ancestral",
                "scheduler", "karras")));
        JsonNode doc = served.jobWhenEnded("n-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode body = JSON.readTree(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img"))).get(0)
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
        a1111Stub(reply());
        served = Stubs.serve(home, config());

        served.http().post("/api/v1/generate", job("n-2", Map.of(), Map.of("sampler", "warp_drive")));
        JsonNode doc = served.jobWhenEnded("n-2");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("'warp_drive'").contains("Euler a")
                .contains("DPM++ 2M");
        served.http().post("/api/v1/generate", job("n-4", Map.of(), Map.of("scheduler", "warp_schedule")));
        JsonNode other = served.jobWhenEnded("n-4");
        assertThat(other.path("status").asText()).isEqualTo("failed");
        assertThat(other.at("/error/message").asText()).contains("no scheduler 'warp_schedule'").contains("karras");
        assertThat(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img")))).isEmpty();
    }

    @Test
    void should_fail_naming_the_checkpoint_and_render_nothing_when_a1111_does_not_have_it() throws Exception {
        a1111Stub(reply());
        Map<String, String> cfg = config();
        cfg.put("local.checkpoints", "stabilityai/stable-diffusion-xl-base-1.0=sdxl_missing.safetensors");
        served = Stubs.serve(home, cfg);

        served.http().post("/api/v1/generate", job("n-3", Map.of()));
        JsonNode doc = served.jobWhenEnded("n-3");

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("'sdxl_missing.safetensors'")
                .contains("sd_xl_base_1.0.safetensors [31e35c80fc]");
        assertThat(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img")))).isEmpty();
    }

    @Test
    void should_tag_an_installed_lora_with_its_clip_and_model_strengths_and_download_nothing() throws Exception {
        a1111Stub(reply());
        a1111.stubFor(get(urlPathEqualTo("/sdapi/v1/loras")).willReturn(okJson(LocalStubs.fixture("a1111/loras.json")
                .replace("${name_a}", "paper_cut").replace("${name_b}", "slider_age"))));
        served = Stubs.serve(home, config());
        Map<String, Object> j = JSON.readValue(job("i-1", Map.of()), LinkedHashMap.class);
        j.put("loras", Map.of("local:slider_age", Map.of("model", -1.5, "clip", 0.5)));

        served.http().post("/api/v1/generate", JSON.writeValueAsString(j));
        JsonNode doc = served.jobWhenEnded("i-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        JsonNode body = JSON.readTree(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/txt2img"))).get(0)
                .getBodyAsString());
        // <lora:name:te:unet> (extensions-builtin/Lora/extra_networks_lora.py): text encoder first, then UNet.
        assertThat(body.path("prompt").asText()).isEqualTo("a heron in the mist <lora:slider_age:0.5:-1.5>");
        assertThat(modelScope.getAllServeEvents()).isEmpty();
        assertThat(a1111.findAll(postRequestedFor(urlPathEqualTo("/sdapi/v1/refresh-loras")))).isEmpty();
    }

    @Test
    void should_list_a1111s_installed_loras_with_their_metadata_and_its_sampler_names() throws Exception {
        a1111Stub(reply());
        a1111.stubFor(get(urlPathEqualTo("/sdapi/v1/loras")).willReturn(okJson(LocalStubs.fixture("a1111/loras.json")
                .replace("${name_a}", "paper_cut").replace("${name_b}", "slider_age"))));
        served = Stubs.serve(home, config());

        JsonNode loras = JSON.readTree(served.http().get("/api/v1/local/loras").body());
        JsonNode names = JSON.readTree(served.http().get("/api/v1/local/samplers").body());

        assertThat(loras.path("backend").asText()).isEqualTo("a1111");
        assertThat(loras.at("/loras/0/name").asText()).isEqualTo("paper_cut");
        assertThat(loras.at("/loras/0/job_key").asText()).isEqualTo("local:paper_cut");
        assertThat(loras.at("/loras/0/metadata/ss_network_dim").asText()).isEqualTo("32");
        assertThat(loras.toString()).doesNotContain("\"path\"");
        assertThat(names.path("samplers").toString()).contains("\"Euler a\"").contains("\"DPM++ 2M\"");
        assertThat(names.path("schedulers").toString()).contains("\"karras\"").contains("\"sgm_uniform\"");
    }
}
