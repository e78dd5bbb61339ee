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
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.support.RouteTestSupport;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * A worker's worker.camel.yaml on the route-test layer: the job queue, cancel topic and heartbeat timer consumers
 * are replaced by direct: endpoints, every jms: send (the claim and result request-replies) and the hand-over to
 * the generation queue go to MockEndpoints that answer as the coordinator and the generation flow would. WorkerSteps
 * is real, over a scratch JobStore. What the coordinator is asked, what the worker runs, and when a job message
 * must not be acknowledged is checked without a broker or a generation flow.
 */
class WorkerRouteTest extends RouteTestSupport {
    final ObjectMapper json = Json.mapper();
    JobStore scratch;
    JobStore coordinator;

    @Override
    protected List<String> flows() {
        return List.of("worker.camel.yaml");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("worker.jobs-uri", "jms:queue:toploras.jobs");
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CamelConfiguration() {
            @Override
            public void configure(CamelContext ctx) throws Exception {
                scratch = new JobStore(new Home(Files.createDirectories(home.root().resolve("scratch"))), json,
                        Clock.systemUTC());
                coordinator = new JobStore(new Home(Files.createDirectories(home.root().resolve("coordinator"))),
                        json, Clock.systemUTC());
                WorkerSteps steps = new WorkerSteps("w-test", scratch, json);
                steps.forwardTo((jobId, update) -> { });
                ctx.getRegistry().bind("workerSteps", steps);
            }
        });
    }

    @Override
    protected String mockAndSkip() {
        return "(jms|seda):.*";
    }

    @Override
    protected void advise() throws Exception {
        replaceConsumer("worker-take", "direct:jobs");
        replaceConsumer("worker-cancels", "direct:cancels");
        replaceConsumer("worker-heartbeat", "direct:heartbeat-tick");
    }

    private void startTaking() throws Exception {
        // autoStartup false: the worker starts it once generation-run is up
        context.getRouteController().startRoute("worker-take");
    }

    private String claimReply(String jobId, boolean run) throws Exception {
        JobRequest r = new JobRequest(jobId, "text-to-image-synthesis", "Qwen/Qwen-Image", Map.of(),
                new JobParams("a cat", null, "64x64", null, null, 1L, null, null), Backend.LOCAL, null);
        JobDocument doc = coordinator.create(JobDocument.queued(r, Instant.now(), "coordinator"));
        return json.writeValueAsString(run ? new WorkMessages.ClaimReply(true, null, doc, "claim-token")
                : WorkMessages.ClaimReply.skip("cancelled"));
    }

    /**
     * The generation flow, as far as the worker sees it: the job ends in the scratch store (cancelled: a succeeded
     * document must hold images and a failed one an error, which is the generation flow's business, not this route's).
     */
    private void generationEnds(Exchange e) {
        String jobId = e.getMessage().getBody(String.class);
        JobDocument doc = scratch.find(jobId).orElseThrow();
        scratch.moveTo(scratch.moveTo(doc, JobStatus.RUNNING, "running"), JobStatus.CANCELLED, "cancelled on request");
    }

    @Test
    void should_claim_run_and_send_the_end_of_the_job_with_the_claim_token_grouped_by_job_id() throws Exception {
        startTaking();
        MockEndpoint claims = getMockEndpoint("mock:jms:queue:toploras.claims");
        MockEndpoint generation = getMockEndpoint("mock:seda:generate");
        MockEndpoint updates = getMockEndpoint("mock:jms:queue:toploras.updates");
        String reply = claimReply("run-1", true);
        claims.whenAnyExchangeReceived(e -> e.getMessage().setBody(reply));
        generation.whenAnyExchangeReceived(this::generationEnds);
        updates.whenAnyExchangeReceived(e -> e.getMessage().setBody(json.writeValueAsString(
                WorkMessages.Stored.yes())));
        generation.expectedBodiesReceived("run-1");
        updates.expectedHeaderReceived("toplorasKind", "result");
        updates.expectedHeaderReceived("JMSXGroupID", "run-1");

        Exchange taken = template.send("direct:jobs", e -> e.getMessage().setBody("run-1"));

        assertThat(taken.getException()).isNull();
        generation.assertIsSatisfied();
        updates.assertIsSatisfied();
        JsonNode claim = json.readTree(claims.getExchanges().get(0).getMessage().getBody(String.class));
        assertThat(claim.path("job_id").asText()).isEqualTo("run-1");
        assertThat(claim.path("worker").asText()).isEqualTo("w-test");
        JsonNode result = json.readTree(updates.getExchanges().get(0).getMessage().getBody(String.class));
        assertThat(result.path("token").asText()).isEqualTo("claim-token");
        assertThat(result.path("job").path("status").asText()).isEqualTo("cancelled");
        assertThat(scratch.find("run-1")).isEmpty();
    }

    @Test
    void should_run_nothing_and_send_no_result_when_the_coordinator_says_skip() throws Exception {
        startTaking();
        String reply = claimReply("skip-1", false);
        getMockEndpoint("mock:jms:queue:toploras.claims").whenAnyExchangeReceived(e -> e.getMessage().setBody(reply));
        MockEndpoint generation = getMockEndpoint("mock:seda:generate");
        MockEndpoint updates = getMockEndpoint("mock:jms:queue:toploras.updates");

        Exchange taken = template.send("direct:jobs", e -> e.getMessage().setBody("skip-1"));

        assertThat(taken.getException()).isNull();
        assertThat(generation.getReceivedCounter()).isZero();
        assertThat(updates.getReceivedCounter()).isZero();
    }

    @Test
    void should_fail_the_job_message_so_it_is_not_acknowledged_when_the_coordinator_lost_the_claim()
            throws Exception {
        startTaking();
        String reply = claimReply("lost-1", true);
        getMockEndpoint("mock:jms:queue:toploras.claims").whenAnyExchangeReceived(e -> e.getMessage().setBody(reply));
        getMockEndpoint("mock:seda:generate").whenAnyExchangeReceived(this::generationEnds);
        getMockEndpoint("mock:jms:queue:toploras.updates").whenAnyExchangeReceived(e -> e.getMessage().setBody(
                json.writeValueAsString(new WorkMessages.Stored(false, "coordinator restarted", true))));

        Exchange taken = template.send("direct:jobs", e -> e.getMessage().setBody("lost-1"));

        assertThat(taken.getException()).isInstanceOf(BrokerException.class)
                .hasMessageContaining("goes back to the queue");
    }
}
