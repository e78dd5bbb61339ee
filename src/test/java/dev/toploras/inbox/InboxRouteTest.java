package dev.toploras.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.catalog.CatalogBeans;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.generation.GenerationBeans;
import dev.toploras.local.LocalBeans;
import dev.toploras.support.Inbox;
import dev.toploras.support.RouteTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * inbox.camel.yaml on the route-test layer. Its file consumer is kept, not replaced: where a dropped file ends up
 * (.done/ or .error/ with a reason beside it) is the behaviour, and the consumer's move options do it. The hand-over
 * to the generation queue is a MockEndpoint (seda: mocked), so no job runs; the gate and intake beans are the
 * runtime's (InboxBeans, over GenerationBeans' request intake). Poll delay and read-lock age are shortened for the
 * test.
 */
class InboxRouteTest extends RouteTestSupport {
    @Override
    protected List<String> flows() {
        return List.of("inbox.camel.yaml");
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CatalogBeans(Optional::empty), new GenerationBeans(Optional::empty), new InboxBeans(),
                new LocalBeans());
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("runtime.serve", "true", "inbox.read-lock-min-age", "50", "inbox.poll-delay", "50");
    }

    @Override
    protected String mockAndSkip() {
        return "seda:*";
    }

    static String request(String jobId) {
        return "{\"job_id\": \"" + jobId + "\", \"task\": \"text-to-image-synthesis\", \"model_id\": \"Qwen/Qwen-Image\","
                + " \"loras\": \"painter/ink-wash\", \"params\": {\"prompt\": \"a red kite\", \"size\": \"64x64\", \"seed\": 1},"
                + " \"backend\": \"local\"}";
    }

    private Path inbox() {
        return home.inbox();
    }

    @Test
    void should_move_a_valid_request_to_done_and_hand_its_job_id_to_the_generation_queue() throws Exception {
        MockEndpoint queue = getMockEndpoint("mock:seda:generate");
        queue.expectedBodiesReceived("inbox-ok-1");

        Inbox.drop(inbox(), "ok.json", request("inbox-ok-1"));

        queue.assertIsSatisfied();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox().resolve(".done/ok.json")));
        assertThat(inbox().resolve("ok.json")).doesNotExist();
        assertThat(Files.exists(inbox().resolve(".error/ok.json"))).isFalse();
    }

    @Test
    void should_move_a_request_that_breaks_the_schema_to_error_with_a_reason_and_queue_nothing() throws Exception {
        MockEndpoint queue = getMockEndpoint("mock:seda:generate");

        Inbox.drop(inbox(), "bad.json", "{\"task\": 5}");

        Path reason = inbox().resolve(".error/bad.json.error.json");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(reason)
                && Files.exists(inbox().resolve(".error/bad.json")));
        JsonNode problem = Json.mapper().readTree(reason.toFile());
        assertThat(problem.path("file").asText()).isEqualTo("bad.json");
        assertThat(problem.path("code").asText()).isNotBlank();
        assertThat(problem.path("message").asText()).isNotBlank();
        assertThat(queue.getReceivedCounter()).isZero();
    }

    @Test
    void should_reject_json_with_trailing_tokens_instead_of_reading_only_its_first_value() throws Exception {
        Inbox.drop(inbox(), "trailing.json", request("inbox-trailing") + " {\"job_id\": \"second\"}");

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(
                inbox().resolve(".error/trailing.json.error.json")));
        assertThat(getMockEndpoint("mock:seda:generate").getReceivedCounter()).isZero();
    }

    @Test
    void should_leave_files_that_are_not_json_where_they_are() throws Exception {
        Inbox.drop(inbox(), "notes.txt", "not a job");
        Inbox.drop(inbox(), "after.json", request("inbox-after-txt"));

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox().resolve(".done/after.json")));
        assertThat(inbox().resolve("notes.txt")).exists();
    }
}
