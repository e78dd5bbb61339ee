package dev.toploras.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.toploras.generation.GenerationHarness.TOKEN;
import static dev.toploras.generation.GenerationHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.toploras.support.GenerationRouteTestSupport;
import dev.toploras.support.Stubs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * generation.camel.yaml's remote path and its fallback on the route-test layer, against WireMock as API-Inference:
 * the submit redelivered on 503, the fall back to the local preview on a rate limit or a refused token, a task
 * ModelScope reports FAILED, a poll timeout. GenerationFlowTest keeps the inbox-to-file job on a whole runtime.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GenerationRemoteRouteTest extends GenerationRouteTestSupport {
    final WireMockServer modelscope = Stubs.wireMock();
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream originalErr;

    @Override
    protected List<String> flows() {
        return GenerationHarness.PREVIEW_FLOWS;
    }

    @Override
    protected Supplier<Optional<String>> token() {
        return () -> Optional.of(TOKEN);
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("modelscope.inference-url", modelscope.baseUrl(), "retries.initial-delay", "10",
                "generation.poll-interval", "20", "generation.poll-timeout", "1s");
    }

    @BeforeAll
    void stubsAndLogs() {
        originalErr = System.err;
        // Every log line of these runs passes through here, so the token test can read them all.
        System.setErr(new PrintStream(new GenerationFlowTest.TeeStream(originalErr, logs), true,
                StandardCharsets.UTF_8));
        modelscope.stubFor(get(urlPathEqualTo("/img/out.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(GenerationHarness.png(64, 48))));
    }

    @AfterAll
    void stopStubAndLogs() {
        modelscope.stop();
        System.setErr(originalErr);
    }

    private void submitAnswers(String prompt, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder r) {
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.prompt", equalTo(prompt))).willReturn(r));
    }

    private void pollAnswers(String taskId, String body) {
        modelscope.stubFor(get(urlEqualTo("/v1/tasks/" + taskId)).willReturn(okJson(body)));
    }

    private int submits(String prompt) {
        return modelscope.findAll(postRequestedFor(urlEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.prompt", equalTo(prompt)))).size();
    }

    /** An auto job whose submit is accepted as {@code taskId} and whose every poll answers {@code pollFixture}. */
    private JsonNode runPolled(String jobId, String prompt, String taskId, String pollFixture) {
        submitAnswers(prompt, okJson(GenerationHarness.submitted(taskId)));
        pollAnswers(taskId, GenerationHarness.fixture(pollFixture));
        return run(job(jobId, prompt, "auto").toString());
    }

    private static JsonNode failedWith(String code, JsonNode doc) {
        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo(code);
        return doc;
    }

    @Test
    void should_retry_the_submit_on_503_and_succeed_on_the_third_try() {
        String s = "busy";
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations")).inScenario(s)
                .withRequestBody(matchingJsonPath("$.prompt", equalTo("case-503")))
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("again"));
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations")).inScenario(s)
                .withRequestBody(matchingJsonPath("$.prompt", equalTo("case-503")))
                .whenScenarioStateIs("again").willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        modelscope.stubFor(post(urlEqualTo("/v1/images/generations")).inScenario(s)
                .withRequestBody(matchingJsonPath("$.prompt", equalTo("case-503")))
                .whenScenarioStateIs("up").willReturn(okJson(GenerationHarness.submitted("t-503"))));
        pollAnswers("t-503", GenerationHarness.succeeded(modelscope.baseUrl() + "/img/out.png"));

        JsonNode doc = run(job("busy-1", "case-503", "auto").toString());

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(submits("case-503")).isEqualTo(3);
        assertThat(doc.at("/meta/backend").asText()).isEqualTo("remote");
        assertThat(doc.at("/meta/notes/0/code").asText()).isEqualTo("RETRIED");
    }

    @Test
    void should_fall_back_to_local_when_rate_limited() {
        submitAnswers("case-429", aResponse().withStatus(429)
                .withBody(GenerationHarness.fixture("error_429_request_limit.json")));

        JsonNode doc = run(job("limited-1", "case-429", "auto").toString());

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(submits("case-429")).as("a rate limit is not retried").isEqualTo(1);
        assertThat(doc.at("/meta/backend").asText()).isEqualTo(PreviewProcessor.NAME);
        assertThat(doc.at("/meta/notes/0/code").asText()).isEqualTo("FALLBACK_LOCAL");
        assertThat(doc.at("/meta/notes/0/details/reason").asText()).isEqualTo("upstream_rate_limited");
        assertThat(doc.at("/meta/notes/0/message").asText()).contains("Request limit exceeded.");
        assertThat(doc.at("/result/0/meta/width").asInt()).isEqualTo(128);
        assertThat(homeDir().resolve(doc.at("/result/0/data/url").asText())).isRegularFile();
    }

    @Test
    void should_fall_back_to_local_when_the_token_is_refused() {
        submitAnswers("case-401", aResponse().withStatus(401).withBody("{\"errors\":{\"message\":\"bad token\"}}"));

        JsonNode doc = run(job("refused-1", "case-401", "auto").toString());

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(doc.at("/meta/backend").asText()).isEqualTo(PreviewProcessor.NAME);
        assertThat(doc.at("/meta/notes/0/details/reason").asText()).isEqualTo("unauthorized");
    }

    @Test
    void should_fail_the_job_with_the_remote_code_when_modelscope_reports_failed() {
        JsonNode doc = failedWith("upstream_rejected", runPolled("refused-content", "case-failed", "t-failed",
                "task_poll_failed.json"));

        assertThat(doc.at("/error/details/remote_code").asText()).isEqualTo("422");
        assertThat(doc.at("/error/message").asText()).contains("inappropriate content");
        assertThat(doc.at("/result").size()).as("no fallback image for a refused task").isZero();
        assertThat(GenerationHarness.events(home, "refused-content")).last().satisfies(e ->
                assertThat(e.path("type").asText()).isEqualTo("failed"));
    }

    @Test
    void should_fail_with_timeout_when_the_task_never_finishes() {
        JsonNode doc = failedWith("timeout", runPolled("slow-1", "case-slow", "t-slow", "task_poll_pending.json"));

        assertThat(doc.at("/error/details/remote_task_id").asText()).isEqualTo("t-slow");
    }

    /** As GenerationFlowTest's last test, over the runs of this class (retries, refusals, fallbacks). */
    @Test
    @Order(Integer.MAX_VALUE)
    void should_never_write_or_log_the_token() throws IOException {
        GenerationHarness.assertNoFileHolds(homeDir(), TOKEN);
        assertThat(logs.toString(StandardCharsets.UTF_8)).isNotEmpty().doesNotContain(TOKEN);
    }
}
