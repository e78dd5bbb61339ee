package dev.toploras.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.jobs.Backend;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.jobs.JobStore;
import dev.toploras.support.RouteTestSupport;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's side of broker.camel.yaml on the route-test layer: every JMS consumer and timer is replaced by a
 * direct: endpoint and every jms: send goes to a MockEndpoint, while the beans are real (JobApplier over a real
 * JobStore in the test's home, bound under the names BrokerWiring gives them). What a worker's claim is answered,
 * which headers go back, and where an unreadable message ends up is checked without a broker; the real broker
 * stays with BrokerDeliveryTest and WorkerProcessesTest.
 */
class BrokerRouteTest extends RouteTestSupport {
    final ObjectMapper json = Json.mapper();
    JobStore store;

    @Override
    protected List<String> flows() {
        return List.of("broker.camel.yaml");
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CamelConfiguration() {
            @Override
            public void configure(CamelContext ctx) {
                store = new JobStore(home, json, Clock.systemUTC());
                WorkerRegistry workers = new WorkerRegistry(Clock.systemUTC());
                JobApplier applier = new JobApplier(store, workers, json, 3);
                ctx.getRegistry().bind("jobApplier", applier);
                ctx.getRegistry().bind("brokerHealth",
                        new BrokerWiring.BrokerHealth(null, null, null, workers, applier, Clock.systemUTC()));
            }
        });
    }

    @Override
    protected void advise() throws Exception {
        replaceConsumer("broker-claims", "direct:claims");
        replaceConsumer("broker-updates", "direct:updates");
        replaceConsumer("broker-heartbeats", "direct:heartbeats");
        replaceConsumer("broker-dead-letters", "direct:dead-letters");
        replaceConsumer("broker-cancels", "direct:cancels-tick");
        replaceConsumer("broker-ping", "direct:ping-tick");
    }

    @Override
    protected String mockAndSkip() {
        return "jms:*";
    }

    private JobDocument queuedJob(String id) {
        JobRequest r = new JobRequest(id, "text-to-image-synthesis", "Qwen/Qwen-Image", Map.of(),
                new JobParams("a cat", null, "64x64", null, null, 1L, null, null), Backend.LOCAL, null);
        return store.create(JobDocument.queued(r, java.time.Instant.now(), "coordinator"));
    }

    private Exchange claim(String body) {
        return template.request("direct:claims", e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeader("JMSCorrelationID", "corr-1");
            e.getMessage().setHeader("X-From-Worker", "must not travel back");
        });
    }

    @Test
    void should_answer_a_claim_of_a_queued_job_with_run_and_a_claim_token_and_return_only_the_correlation_id()
            throws Exception {
        queuedJob("claim-1");

        Exchange out = claim("{\"job_id\": \"claim-1\", \"worker\": \"w-1\"}");

        JsonNode reply = json.readTree(out.getMessage().getBody(String.class));
        assertThat(reply.path("run").asBoolean()).isTrue();
        assertThat(reply.path("token").asText()).hasSizeGreaterThan(20);
        assertThat(reply.path("job").path("job_id").asText()).isEqualTo("claim-1");
        assertThat(out.getMessage().getHeaders()).containsOnlyKeys("JMSCorrelationID");
    }

    @Test
    void should_answer_a_claim_of_a_job_with_no_document_with_skip() throws Exception {
        Exchange out = claim("{\"job_id\": \"never-created\", \"worker\": \"w-1\"}");

        JsonNode reply = json.readTree(out.getMessage().getBody(String.class));
        assertThat(reply.path("run").asBoolean()).isFalse();
        assertThat(reply.path("reason").asText()).isEqualTo("no such job");
    }

    @Test
    void should_put_an_unreadable_claim_on_the_rejected_queue_with_its_reason_and_answer_claim_lost_at_once()
            throws Exception {
        MockEndpoint rejected = getMockEndpoint("mock:jms:queue:toploras.rejected");
        rejected.expectedBodiesReceived("{\"job\": \"x\", \"who\": \"w-1\"}");
        rejected.expectedHeaderReceived("toplorasReason",
                "a claim message without a usable 'job_id' (fields are snake_case, e.g. job_id)");

        Exchange out = claim("{\"job\": \"x\", \"who\": \"w-1\"}");

        rejected.assertIsSatisfied();
        assertThat(rejected.getExchanges().get(0).getMessage().getHeaders())
                .containsOnlyKeys("toplorasReason", "JMSCorrelationID");
        assertThat(out.getException()).isNull();
        JsonNode reply = json.readTree(out.getMessage().getBody(String.class));
        assertThat(reply.path("claim_lost").asBoolean()).isTrue();
        assertThat(reply.path("reason").asText()).startsWith("rejected: a claim message without");
        assertThat(out.getMessage().getHeaders()).containsOnlyKeys("JMSCorrelationID");
    }

    @Test
    void should_tell_the_workers_of_each_job_whose_cancel_was_requested() throws Exception {
        JobDocument doc = queuedJob("cancel-1");
        store.requestCancel(doc);
        MockEndpoint cancels = getMockEndpoint("mock:jms:topic:toploras.cancels");
        cancels.expectedBodiesReceived("cancel-1");

        template.sendBody("direct:cancels-tick", null);

        cancels.assertIsSatisfied();
    }
}
