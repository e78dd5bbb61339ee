package dev.toploras.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.catalog.CatalogBeans;
import dev.toploras.core.Home;
import dev.toploras.generation.GenerationBeans;
import dev.toploras.support.RouteTestSupport;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.model.ToDynamicDefinition;
import org.junit.jupiter.api.Test;

/**
 * The route template local-http-call (local-http.camel.yaml) through its ComfyUI instances: what reaches the backend
 * (the method, the per-call path or query, nothing inbound) and what a call that got no reply becomes. A
 * MockEndpoint stands where camel-http would send, so the test sees the message as the backend would get it.
 */
class LocalHttpCallRouteTest extends RouteTestSupport {
    static final String SERVER = "http://comfy.example.invalid:8188";

    @Override
    protected List<String> flows() {
        return List.of("errors.camel.yaml", "generation.camel.yaml", "local-http.camel.yaml", "local-loras.camel.yaml",
                "local-comfyui.camel.yaml");
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CatalogBeans(Optional::empty), new GenerationBeans(Optional::empty), new LocalBeans());
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("local.backend", "comfyui", "local.comfyui.url", SERVER);
    }

    @Override
    protected void advise() throws Exception {
        for (String call : List.of("local-comfyui-history", "local-comfyui-view", "local-comfyui-probe")) {
            AdviceWith.adviceWith(context, call, route ->
                    route.weaveByType(ToDynamicDefinition.class).replace().to("mock:comfyui"));
        }
    }

    private static void inbound(Exchange e) {
        e.getMessage().setHeader("Authorization", "Bearer inbound-secret");
        e.getMessage().setHeader(Exchange.HTTP_PATH, "/../admin");
        e.getMessage().setHeader(Exchange.HTTP_QUERY, "inbound=1");
        e.getMessage().setHeader("X-Inbound", "leak");
    }

    @Test
    void should_send_the_method_and_the_checked_path_and_no_inbound_header() throws Exception {
        MockEndpoint comfy = getMockEndpoint("mock:comfyui");
        comfy.expectedMessageCount(1);
        comfy.whenAnyExchangeReceived(e -> {
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            e.getMessage().setBody("{}");
        });

        Exchange out = template.send("direct:local-comfyui-history", e -> {
            inbound(e);
            e.setVariable("httpPath", "p-1");
        });

        comfy.assertIsSatisfied();
        Map<String, Object> sent = comfy.getExchanges().get(0).getMessage().getHeaders();
        assertThat(sent).containsOnly(Map.entry(Exchange.HTTP_METHOD, "GET"), Map.entry(Exchange.HTTP_PATH, "p-1"));
        assertThat(out.getException()).isNull();
        assertThat(out.getVariable("httpPath")).as("consumed, so no later call takes it").isNull();
        assertThat(out.getMessage().getBody()).isInstanceOf(byte[].class);
        assertThat(out.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
    }

    @Test
    void should_send_the_built_query_alone_when_a_call_has_one() throws Exception {
        MockEndpoint comfy = getMockEndpoint("mock:comfyui");
        comfy.expectedMessageCount(1);

        Exchange out = template.send("direct:local-comfyui-view", e -> {
            inbound(e);
            e.setVariable("httpQuery", "filename=a.png&subfolder=&type=output");
        });

        comfy.assertIsSatisfied();
        assertThat(comfy.getExchanges().get(0).getMessage().getHeaders()).containsOnly(
                Map.entry(Exchange.HTTP_METHOD, "GET"),
                Map.entry(Exchange.HTTP_QUERY, "filename=a.png&subfolder=&type=output"));
        assertThat(out.getVariable("httpQuery")).isNull();
    }

    @Test
    void should_turn_a_call_that_got_no_reply_into_the_backends_unavailable_error() {
        getMockEndpoint("mock:comfyui").whenAnyExchangeReceived(e -> {
            throw new ConnectException("Connection refused");
        });

        Exchange out = template.send("direct:local-comfyui-history", e -> e.setVariable("httpPath", "p-1"));

        assertThat(out.getException()).isInstanceOf(LocalFailures.BackendUnavailable.class)
                .hasMessageStartingWith("comfyui at " + SERVER + " does not answer (ConnectException: Connection"
                        + " refused)");
    }

    @Test
    void should_leave_the_failure_as_it_is_where_the_caller_reads_it_itself() {
        getMockEndpoint("mock:comfyui").whenAnyExchangeReceived(e -> {
            throw new ConnectException("Connection refused");
        });

        Exchange out = template.send("direct:local-comfyui-probe", e -> e.getMessage().setBody(""));

        assertThat(out.getException()).isInstanceOf(ConnectException.class).hasMessage("Connection refused");
    }
}
