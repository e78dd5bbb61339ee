package dev.toploras.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.api.ApiReply;
import dev.toploras.api.LocalApi;
import dev.toploras.support.GenerationRouteTestSupport;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A local backend's flow (local-comfyui or local-a1111, with local-loras, local-http and generation) on the
 * route-test layer: a job runs through generation-run to its document (GenerationRouteTestSupport), with the real
 * camel-http calls going to a WireMock
 * backend and a WireMock ModelScope. The request on the wire is the behaviour, so the stubs stand where the servers
 * would, not a MockEndpoint. One context per class: the stubs are reset before every test, the LoRA folder emptied,
 * and each test uses LoRA repositories of its own (the listing pick is kept for local.lora-listing-ttl).
 */
abstract class LocalBackendRouteTestSupport extends GenerationRouteTestSupport {
    static final String SDXL = "stabilityai/stable-diffusion-xl-base-1.0";

    final WireMockServer modelScope = Stubs.wireMock();
    final WireMockServer backend = Stubs.wireMock();

    /** A backend on this layer: its local.backend name, and its own flow files after the ones all backends use. */
    enum Backend {
        COMFYUI("comfyui", "local-comfyui-inputs.camel.yaml", "local-comfyui.camel.yaml"),
        A1111("a1111", "local-a1111.camel.yaml");

        final String name;
        final List<String> flows;

        Backend(String name, String... flows) {
            this.name = name;
            this.flows = List.of(flows);
        }
    }

    private final Backend under;

    LocalBackendRouteTestSupport(Backend under) {
        this.under = under;
    }

    String backendName() {
        return under.name;
    }

    /** The class's settings over the common ones of {@link #overrides()} (its one context's). */
    Map<String, String> more() {
        return Map.of();
    }

    /** Where the backend answers; a class may point it at a port where nothing listens. */
    String backendUrl() {
        return backend.baseUrl();
    }

    @Override
    protected List<String> flows() {
        List<String> all = new java.util.ArrayList<>(List.of("errors.camel.yaml", "generation.camel.yaml",
                "local-http.camel.yaml", "local-loras.camel.yaml"));
        all.addAll(under.flows);
        return all;
    }

    @Override
    protected Map<String, String> overrides() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("local.backend", backendName());
        m.put("local." + backendName() + ".url", backendUrl());
        m.put("modelscope.base-url", modelScope.baseUrl());
        m.put("local.checkpoints", SDXL + "=sd_xl_base_1.0.safetensors");
        m.put("local.poll-interval", "20");
        m.putAll(more());
        return m;
    }

    @BeforeEach
    final void freshStubs() throws Exception {
        modelScope.resetAll();
        backend.resetAll();
        Path loras = homeDir().resolve("loras");
        if (Files.isDirectory(loras)) {
            try (Stream<Path> files = Files.walk(loras)) {
                files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(loras)).forEach(p -> p.toFile().delete());
            }
        }
    }

    @AfterAll
    final void stopStubs() {
        modelScope.stop();
        backend.stop();
    }

    /** GET /api/health's "local" section: what the health route asks of localHealth. */
    JsonNode health() {
        return JSON.valueToTree(context.getRegistry().lookupByNameAndType("localHealth", LocalHealth.class).section());
    }

    /** GET /api/v1/local/loras: the backend's installed list (its route) given to localApi, as api-local-list does. */
    @SuppressWarnings("unchecked")
    JsonNode installedLoras() {
        Object listed = template.requestBody("direct:local-" + backendName() + "-installed", (Object) "");
        return replyBody(localApi().loras((List<Map<String, Object>>) listed));
    }

    /** GET /api/v1/local/samplers, the same way. */
    @SuppressWarnings("unchecked")
    JsonNode samplerNames() {
        Object names = template.requestBody("direct:local-" + backendName() + "-names", (Object) "");
        return replyBody(localApi().samplers((Map<String, Object>) names));
    }

    /** Built as ApiBeans builds it: the API's beans (and its server) are not part of a route test. */
    private LocalApi localApi() {
        return new LocalApi(context.resolvePropertyPlaceholders("{{local:backend}}"));
    }

    private static JsonNode replyBody(ApiReply reply) {
        return JSON.valueToTree(reply.body());
    }
}
