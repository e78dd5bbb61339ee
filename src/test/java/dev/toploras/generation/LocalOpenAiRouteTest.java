package dev.toploras.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.catalog.CatalogBeans;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.local.LocalBeans;
import dev.toploras.support.RouteTestSupport;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.model.ToDynamicDefinition;
import org.junit.jupiter.api.Test;

/**
 * The bundled routes/local-openai.camel.yaml on the route-test layer, inside the real generation-steps route
 * configuration (generation.camel.yaml) and with the runtime's generation and local beans: AdviceWith puts a
 * MockEndpoint where the user's image server would be, so the test sees exactly the message the route would send
 * and decides the reply. The reply shape ({"data": [{"b64_json": ...}]} for response_format b64_json) is the
 * OpenAI images API's.
 */
class LocalOpenAiRouteTest extends RouteTestSupport {
    static final byte[] PNG = GenerationHarness.png(20, 10);

    @Override
    protected List<String> flows() {
        return List.of("errors.camel.yaml", "generation.camel.yaml", "local-http.camel.yaml", "local-openai.camel.yaml");
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CatalogBeans(Optional::empty), new GenerationBeans(Optional::empty), new LocalBeans());
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("local.url", "http://images.example.invalid:7860", "local.timeout", "1000");
    }

    @Override
    protected void advise() throws Exception {
        // The call itself is local-openai-call, the route local-http-call (local-http.camel.yaml) makes for this backend.
        AdviceWith.adviceWith(context, "local-openai-call", route ->
                route.weaveByType(ToDynamicDefinition.class).replace().to("mock:image-server"));
    }

    static Map<String, Object> job() {
        return Map.of("job_id", "j-1", "task", "text-to-image-synthesis", "model_id", "Qwen/Qwen-Image",
                "loras", Map.of(), "params", Map.of("prompt", "a red kite", "size", "20x10", "seed", 99,
                        "width", 20, "height", 10));
    }

    @Test
    @SuppressWarnings("unchecked")
    void should_send_only_the_json_request_and_return_the_images_when_the_server_answers_b64_json()
            throws Exception {
        MockEndpoint server = getMockEndpoint("mock:image-server");
        server.expectedMessageCount(1);
        server.expectedHeaderReceived(Exchange.HTTP_METHOD, "POST");
        server.expectedHeaderReceived("Content-Type", "application/json");
        server.whenAnyExchangeReceived(e -> {
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            e.getMessage().setBody("{\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(PNG) + "\"}]}");
        });

        Exchange out = template.send("direct:local-openai", e -> {
            e.getMessage().setBody(job());
            e.getMessage().setHeader("Authorization", "Bearer inbound-secret");
            e.getMessage().setHeader("X-Inbound", "leak");
        });

        server.assertIsSatisfied();
        Exchange sent = server.getExchanges().get(0);
        assertThat(sent.getMessage().getHeaders().keySet())
                .containsExactlyInAnyOrder(Exchange.HTTP_METHOD, "Content-Type");
        JsonNode body = Json.mapper().readTree(sent.getMessage().getBody(String.class));
        assertThat(body.path("response_format").asText()).isEqualTo("b64_json");
        assertThat(body.path("prompt").asText()).isEqualTo("a red kite");
        assertThat(body.path("size").asText()).isEqualTo("20x10");
        assertThat(body.path("seed").asLong()).isEqualTo(99);
        List<RenderedImage> images = out.getMessage().getBody(List.class);
        assertThat(images).singleElement().satisfies(i -> {
            assertThat(i.bytes()).isEqualTo(PNG);
            assertThat(i.mime()).isEqualTo("image/png");
        });
        assertThat(out.getVariable("localBackend")).isEqualTo("local-openai");
        assertThat(out.getMessage().getHeaders()).isEmpty();
    }

    @Test
    void should_fail_with_upstream_unavailable_when_the_server_answers_5xx() throws Exception {
        getMockEndpoint("mock:image-server").whenAnyExchangeReceived(e -> {
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
            e.getMessage().setBody("busy");
        });

        assertThatThrownBy(() -> template.sendBody("direct:local-openai", job()))
                .isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(LocalBackendException.class)
                .cause().satisfies(c -> assertThat(((LocalBackendException) c).problem().code())
                        .isEqualTo("upstream_unavailable"))
                .hasMessageContaining("HTTP 503");
    }
}
