package dev.toploras.local;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.jobs.InvalidJobRequestException;
import dev.toploras.support.Images;
import dev.toploras.support.Inbox;
import dev.toploras.support.Stubs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18.1's reproduction through a real `serve` (local.backend=comfyui): a LoRA id that carries a property
 * placeholder and camel-http endpoint options (proxyHost/proxyPort pointing at a listener of this test). The listener
 * must never see a connection, ModelScope never a request for it; user text reaches ComfyUI literally.
 */
class LoraIdInjectionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalStubs.Weight A = LocalStubs.weight("painter/ink-wash", "ink-wash.safetensors", 20_000, 3);
    WireMockServer modelScope;
    WireMockServer comfy;
    ServerSocket listener;
    final AtomicInteger connections = new AtomicInteger();
    Stubs.Served served;

    @TempDir
    Path home;

    @BeforeEach
    void start() throws IOException {
        modelScope = Stubs.wireMock();
        comfy = Stubs.wireMock();
        // The host a successful injection would send the request (and the token in its path) to.
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    connections.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }, "injection-listener");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stop() throws IOException {
        if (served != null) {
            served.runtime().close();
        }
        listener.close();
        modelScope.stop();
        comfy.stop();
    }

    Map<String, String> config() {
        return LocalStubs.comfyConfig(comfy.baseUrl(), modelScope.baseUrl());
    }

    String hostileId() {
        return "inj/{{env:MODELSCOPE_API_TOKEN}}{{sys:user.home}}/repo/files?proxyHost=127.0.0.1&proxyPort="
                + listener.getLocalPort() + "&z=";
    }

    static String job(String id, String lora, String prompt) throws Exception {
        Map<String, Object> j = new HashMap<>();
        j.put("job_id", id);
        j.put("task", "text-to-image-synthesis");
        j.put("model_id", "stabilityai/stable-diffusion-xl-base-1.0");
        j.put("loras", Map.of(lora, 1.0));
        j.put("params", Map.of("prompt", prompt, "size", "128x96", "seed", 7));
        j.put("backend", "local");
        return JSON.writeValueAsString(j);
    }

    @Test
    void should_refuse_a_lora_id_with_placeholders_and_endpoint_options_from_the_api_and_reach_no_host()
            throws Exception {
        served = Stubs.serve(home, config());

        HttpResponse<String> r = served.http().post("/api/v1/generate", job("inj-1", hostileId(), "a kite"));

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_request");
        assertThat(error.path("details").path("field").asText()).isEqualTo("loras");
        assertThat(error.path("message").asText()).contains("owner/name").contains("{{env:MODELSCOPE_API_TOKEN}}")
                .doesNotContain(System.getProperty("user.home") + "/repo");
        assertThat(served.http().get("/api/v1/generate/inj-1").statusCode()).isEqualTo(404);
        assertNothingReached();
    }

    @Test
    void should_refuse_the_same_id_from_an_inbox_file_which_needs_no_api_key() throws Exception {
        served = Stubs.serve(home, config());

        Inbox.drop(home.resolve("inbox"), "inj.json", job("inj-2", hostileId(), "a kite"));

        Path reason = home.resolve("inbox/.error/inj.json.error.json");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(reason));
        String text = Files.readString(reason);
        assertThat(text).contains("invalid_request").contains("loras").contains("owner/name");
        assertNothingReached();
    }

    @Test
    void should_refuse_the_id_again_where_the_uri_is_built_when_a_route_is_handed_it_directly() throws Exception {
        served = Stubs.serve(home, config());

        // A user route (or a later change) that skips intake: local-loras-one checks the id itself.
        org.apache.camel.Exchange sent = served.runtime().template().send("direct:local-loras-one", e -> {
            e.getMessage().setBody(hostileId());
            e.setVariable("jobId", "inj-3");
        });

        assertThat(sent.getException()).hasRootCauseInstanceOf(InvalidJobRequestException.class)
                .hasStackTraceContaining("owner/name");
        assertNothingReached();
    }

    @Test
    void should_pass_placeholders_and_expressions_in_a_prompt_to_comfyui_as_literal_text() throws Exception {
        LocalStubs.modelScope(modelScope, A);
        LocalStubs.comfy(comfy, "p-lit", List.of(A.storedName()), Images.png(128, 96), "comfyui/history_success.json");
        served = Stubs.serve(home, config());
        String prompt = "{{sys:user.home}} ${sys:user.home} ${body} ${header.CamelHttpUri} {{local.comfyui.url}}";

        served.http().post("/api/v1/generate", job("lit-1", A.modelId(), prompt));
        JsonNode doc = served.jobWhenEnded("lit-1");

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        String sent = comfy.findAll(postRequestedFor(urlPathEqualTo("/prompt"))).get(0).getBodyAsString();
        assertThat(JSON.readTree(sent).at("/prompt/6/inputs/text").asText()).isEqualTo(prompt);
        assertThat(doc.at("/params/prompt").asText()).isEqualTo(prompt);
        assertNothingReached();
    }

    void assertNothingReached() {
        assertThat(connections.get()).as("connections to the injected proxy").isZero();
        modelScope.getAllServeEvents().forEach(e -> assertThat(e.getRequest().getUrl()).doesNotContain("inj"));
    }
}
