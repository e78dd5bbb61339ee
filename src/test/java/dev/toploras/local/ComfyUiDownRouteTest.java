package dev.toploras.local;

import static dev.toploras.local.ComfyUiRouteTest.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.support.Http;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ComfyUI flow when nothing listens at local.comfyui.url. */
class ComfyUiDownRouteTest extends LocalBackendRouteTestSupport {
    ComfyUiDownRouteTest() {
        super(Backend.COMFYUI);
    }

    @Override
    String backendUrl() {
        return "http://127.0.0.1:" + Http.freePort();
    }

    @Test
    void should_fail_as_unavailable_when_comfyui_is_down() throws Exception {
        JsonNode doc = run(job("u-1", SDXL, Map.of()));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("upstream_unavailable");
        assertThat(doc.at("/error/message").asText()).contains("comfyui").contains("does not answer");
        JsonNode health = health();
        assertThat(health.path("backend").asText()).isEqualTo("comfyui");
        assertThat(health.path("reachable").asBoolean(true)).isFalse();
    }
}
