package dev.toploras.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.CatalogBeans;
import dev.toploras.core.Home;
import dev.toploras.generation.GenerationBeans;
import dev.toploras.jobs.JobStore;
import dev.toploras.local.LocalBeans;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.Http;
import dev.toploras.support.RouteTestSupport;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.junit.jupiter.api.Test;

/**
 * The bundled API flow (api.camel.yaml, with errors' api-errors) on the route-test layer: its REST DSL served by
 * platform-http on a free loopback port (the Vert.x server Camel Main would start in serve) with ApiBeans' edge in
 * front, called with a real HTTP client. No other flow runs: the generation queue is a MockEndpoint, so an accepted
 * job stays queued.
 */
class ApiRouteTest extends RouteTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    final int port = Http.freePort();
    final Http http = new Http(port);

    @Override
    protected List<String> flows() {
        return List.of("errors.camel.yaml", "api.camel.yaml");
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new HttpServerFirst(port), new CatalogBeans(Optional::empty),
                new GenerationBeans(Optional::empty), new LocalBeans(), new ApiBeans());
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("server.port", String.valueOf(port), "generation.queue", "mock:generation-queue");
    }

    /**
     * The Vert.x server Camel Main starts in serve (camel.server.*). Started as soon as it is added (forceStart),
     * not deferred: ApiBeans' startup listener looks its router up to install the edge, and a deferred service would
     * not have bound that router yet.
     */
    record HttpServerFirst(int port) implements CamelConfiguration {
        @Override
        public void configure(CamelContext ctx) throws Exception {
            MainHttpServer server = new MainHttpServer();
            server.setCamelContext(ctx);
            server.setHost("127.0.0.1");
            server.setPort(port);
            server.setPath("/");
            ctx.addService(server, true, true);
        }
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String job(String jobId) {
        return """
                {"job_id": "%s", "task": "text-to-image-synthesis", "model_id": "Qwen/Qwen-Image",
                 "loras": {"DiffSynth-Studio/Qwen-Image-Edit-F2P": 1.0},
                 "params": {"prompt": "A golden cat", "size": "256x192", "seed": 7}, "backend": "local"}
                """.formatted(jobId);
    }

    @Test
    void should_accept_a_job_with_202_store_it_queued_and_hand_its_id_to_the_queue() throws Exception {
        MockEndpoint queue = getMockEndpoint("mock:generation-queue");
        queue.expectedBodiesReceived("route-1");

        HttpResponse<String> r = http.post("/api/v1/generate", job("route-1"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(json(r).get("job_id").asText()).isEqualTo("route-1");
        assertThat(json(r).get("status").asText()).isEqualTo("queued");
        queue.assertIsSatisfied();
        JobStore jobs = context.getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        assertThat(jobs.find("route-1")).isPresent();
        JsonNode doc = json(http.get("/api/v1/generate/route-1"));
        assertThat(doc.get("status").asText()).isEqualTo("queued");
    }

    @Test
    void should_refuse_an_invalid_request_with_400_in_the_error_shape_and_queue_nothing() throws Exception {
        MockEndpoint queue = getMockEndpoint("mock:generation-queue");
        queue.expectedMessageCount(0);

        HttpResponse<String> unknownField = http.post("/api/v1/generate",
                job("route-bad").replace("\"backend\"", "\"api_token\": \"x\", \"backend\""));
        HttpResponse<String> notJson = http.post("/api/v1/generate", "{not json");

        for (HttpResponse<String> r : List.of(unknownField, notJson)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("invalid_request");
            assertThat(json(r).at("/error/message").asText()).isNotBlank();
        }
        assertThat(http.get("/api/v1/generate/route-bad").statusCode()).isEqualTo(404);
        queue.assertIsSatisfied();
    }

    @Test
    void should_answer_404_in_the_error_shape_for_an_unknown_job() throws Exception {
        HttpResponse<String> r = http.get("/api/v1/generate/nobody-1");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("not_found");
    }

    @Test
    void should_list_the_models_of_a_cache_file_the_test_wrote() throws Exception {
        CatalogFixture.write(homeDir(), 12, 60);

        HttpResponse<String> r = http.get("/api/v1/models?sort=downloads&limit=5");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode page = json(r);
        assertThat(page.get("total").asInt()).isEqualTo(12);
        assertThat(page.get("results")).hasSize(5);
        assertThat(page.at("/results/0/id").asText()).isEqualTo("studio0/lora-0");
    }
}
