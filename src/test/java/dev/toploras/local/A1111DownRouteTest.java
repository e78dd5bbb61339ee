package dev.toploras.local;

import static dev.toploras.local.A1111RouteTest.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.support.Http;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The A1111 flow when nothing listens at local.a1111.url. */
class A1111DownRouteTest extends LocalBackendRouteTestSupport {
    A1111DownRouteTest() {
        super(Backend.A1111);
    }

    @Override
    String backendUrl() {
        return "http://127.0.0.1:" + Http.freePort();
    }

    @Override
    Map<String, String> more() {
        return Map.of("http.timeout", "1s");
    }

    @Test
    void should_fail_as_unavailable_when_a1111_is_down() throws Exception {
        JsonNode doc = run(job("u-1", Map.of()));

        assertThat(doc.at("/error/code").asText()).isEqualTo("upstream_unavailable");
        assertThat(doc.at("/error/message").asText()).contains("a1111").contains("does not answer");
    }
}
