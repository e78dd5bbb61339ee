package dev.toploras.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.toploras.generation.GenerationHarness.TASK;
import static dev.toploras.generation.GenerationHarness.awaitStatus;
import static dev.toploras.generation.GenerationHarness.events;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import dev.toploras.support.Stubs;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the generation routes send over HTTP, seen by WireMock: only the headers each call sets (no inbound or Camel
 * header), the token only to the inference host, and errors that name where a refused token came from.
 * API-Inference behaviour (async submit answering a task_id, GET /v1/tasks/{id} with X-ModelScope-Task-Type,
 * task_status PENDING/RUNNING/SUCCEED/FAILED, output_images URLs on another host) follows the fixtures under
 * src/test/resources/modelscope, taken from ModelScope's API-Inference documentation and replies.
 */
class GenerationHttpBoundaryTest {
    static final String ENV_TOKEN = "env-token-ABC";
    static final String REQUEST_TOKEN = "request-token-DEF";
    /** What a call may carry besides what the route sets: what HttpClient itself adds. */
    static final Set<String> TRANSPORT = Set.of("host", "content-length", "connection", "user-agent",
            "accept-encoding", "transfer-encoding", "content-type");

    @TempDir
    static Path dir;
    static WireMockServer inference;
    static WireMockServer images;
    static TopLorasRuntime runtime;
    static Home home;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        inference = Stubs.wireMock();
        images = Stubs.wireMock();
        home = new Home(dir);
        int port = Http.freePort();
        http = new Http(port);
        runtime = TopLorasRuntime.start(home, Map.of(
                "runtime.serve", "true",
                "server.port", String.valueOf(port),
                "modelscope.inference-url", inference.baseUrl(),
                "retries.initial-delay", "10",
                "generation.poll-interval", "20",
                "generation.poll-timeout", "20s"), () -> Optional.of(ENV_TOKEN), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        inference.stop();
        images.stop();
    }

    static ObjectNode job(String id, String prompt, String backend) {
        return GenerationHarness.job(id, prompt, backend);
    }

    static void submitAnswers(String prompt, String taskId) {
        inference.stubFor(post(urlEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.prompt", equalTo(prompt)))
                .willReturn(okJson(GenerationHarness.submitted(taskId))));
    }

    static List<String> headerNames(LoggedRequest r) {
        return r.getHeaders().all().stream().map(HttpHeader::key).toList();
    }

    static Set<String> unexpected(LoggedRequest r, Set<String> own) {
        Set<String> extra = new TreeSet<>();
        for (String name : headerNames(r)) {
            String n = name.toLowerCase(java.util.Locale.ROOT);
            if (!TRANSPORT.contains(n) && !own.contains(n)) {
                extra.add(name);
            }
        }
        return extra;
    }

    @Test
    void should_send_only_its_own_headers_and_the_token_only_to_the_inference_host_when_the_request_carried_more()
            throws Exception {
        submitAnswers("headers please", "t-headers");
        // the output host redirects once (a raw space in Location, as CDNs send) before the image
        inference.stubFor(get(urlEqualTo("/v1/tasks/t-headers")).willReturn(okJson(
                GenerationHarness.succeeded(images.baseUrl() + "/out/first.png?sig=a%2Bb&x=1"))));
        images.stubFor(get(urlPathEqualTo("/out/first.png")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "/final/the image.png")));
        images.stubFor(get(urlPathEqualTo("/final/the%20image.png")).willReturn(aResponse().withStatus(200)
                .withBody(GenerationHarness.png(40, 30))));

        http.post("/api/v1/generate", job("hdr-1", "headers please", "remote").toString(),
                "X-ModelScope-Token", REQUEST_TOKEN, "X-Inbound-Secret", "leak-me", "Cookie", "session=1");
        JsonNode doc = awaitStatus(home, "hdr-1", "succeeded");

        LoggedRequest submit = inference.findAll(postRequestedFor(urlEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.prompt", equalTo("headers please")))).get(0);
        assertThat(unexpected(submit, Set.of("authorization", "accept", "x-modelscope-async-mode")))
                .as("headers of the submit besides its own").isEmpty();
        assertThat(submit.getHeader("Authorization")).isEqualTo("Bearer " + REQUEST_TOKEN);
        assertThat(submit.getHeader("X-ModelScope-Async-Mode")).isEqualTo("true");
        assertThat(submit.getBodyAsString()).contains("\"seed\":12345").doesNotContain(REQUEST_TOKEN);

        List<LoggedRequest> polls = inference.findAll(getRequestedFor(urlEqualTo("/v1/tasks/t-headers")));
        assertThat(polls).isNotEmpty().allSatisfy(p -> {
            assertThat(unexpected(p, Set.of("authorization", "accept", "x-modelscope-task-type"))).isEmpty();
            assertThat(p.getHeader("X-ModelScope-Task-Type")).isEqualTo("image_generation");
            assertThat(p.getHeader("Authorization")).isEqualTo("Bearer " + REQUEST_TOKEN);
        });

        List<LoggedRequest> downloads = images.findAll(getRequestedFor(com.github.tomakehurst.wiremock.client
                .WireMock.anyUrl()));
        assertThat(downloads).extracting(LoggedRequest::getUrl)
                .containsExactly("/out/first.png?sig=a%2Bb&x=1", "/final/the%20image.png");
        assertThat(downloads).allSatisfy(d -> {
            assertThat(unexpected(d, Set.of())).as("headers sent to the output host").isEmpty();
            assertThat(d.getHeaders().all()).extracting(HttpHeader::values).asString()
                    .doesNotContain(REQUEST_TOKEN).doesNotContain(ENV_TOKEN);
        });
        assertThat(doc.at("/result/0/meta/width").asInt()).isEqualTo(40);
        assertThat(doc.at("/meta/backend").asText()).isEqualTo("remote");
    }

    @Test
    void should_name_the_request_header_when_the_token_it_sent_is_refused() {
        inference.stubFor(post(urlEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.prompt", equalTo("refused header token")))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":{\"message\":\"Invalid token\"}}")));

        http.post("/api/v1/generate", job("tok-hdr", "refused header token", "remote").toString(),
                "X-ModelScope-Token", REQUEST_TOKEN);
        JsonNode doc = awaitStatus(home, "tok-hdr", "failed");

        assertThat(doc.at("/error/code").asText()).isEqualTo("unauthorized");
        assertThat(doc.at("/error/message").asText()).contains("X-ModelScope-Token").contains("Invalid token")
                .doesNotContain("MODELSCOPE_API_TOKEN");
    }

    @Test
    void should_name_the_environment_variable_when_its_token_is_refused() {
        inference.stubFor(post(urlEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.prompt", equalTo("refused env token")))
                .willReturn(aResponse().withStatus(403)));

        http.post("/api/v1/generate", job("tok-env", "refused env token", "remote").toString());
        JsonNode doc = awaitStatus(home, "tok-env", "failed");

        assertThat(doc.at("/error/message").asText()).contains("MODELSCOPE_API_TOKEN")
                .doesNotContain("X-ModelScope-Token");
    }

    @Test
    void should_emit_a_progress_event_at_each_poll_while_the_task_runs() {
        submitAnswers("watch me", "t-progress");
        String s = "progress";
        inference.stubFor(get(urlEqualTo("/v1/tasks/t-progress")).inScenario(s).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(GenerationHarness.fixture("task_poll_pending.json"))).willSetStateTo("2"));
        inference.stubFor(get(urlEqualTo("/v1/tasks/t-progress")).inScenario(s).whenScenarioStateIs("2")
                .willReturn(okJson(GenerationHarness.fixture("task_poll_pending.json"))).willSetStateTo("3"));
        inference.stubFor(get(urlEqualTo("/v1/tasks/t-progress")).inScenario(s).whenScenarioStateIs("3")
                .willReturn(okJson(GenerationHarness.succeeded(images.baseUrl() + "/out/p.png"))));
        images.stubFor(get(urlPathEqualTo("/out/p.png")).willReturn(aResponse().withStatus(200)
                .withBody(GenerationHarness.png(8, 8))));

        GenerationHarness.drop(home, job("prog-1", "watch me", "remote"));
        awaitStatus(home, "prog-1", "succeeded");

        int polls = inference.findAll(getRequestedFor(urlEqualTo("/v1/tasks/t-progress"))).size();
        List<JsonNode> progress = events(home, "prog-1").stream()
                .filter(e -> e.path("type").asText().equals("progress")).toList();
        assertThat(polls).isEqualTo(3);
        assertThat(progress).hasSize(polls).allSatisfy(e -> assertThat(e.path("stage").asText()).isEqualTo("POLLING"));
        assertThat(progress).extracting(e -> e.path("progress").asInt()).isSorted()
                .allSatisfy(p -> assertThat(p).isBetween(30, 79));
    }

    @Test
    void should_draw_a_seed_and_keep_it_in_params_and_result_when_the_request_has_none() {
        ObjectNode request = job("seedless-1", "no seed given", "local");
        ((ObjectNode) request.path("params")).remove("seed");

        GenerationHarness.drop(home, request);
        JsonNode doc = awaitStatus(home, "seedless-1", "succeeded");

        assertThat(doc.at("/params/seed").isIntegralNumber()).as("params.seed").isTrue();
        assertThat(doc.at("/result/0/meta/seed").asLong()).isEqualTo(doc.at("/params/seed").asLong());
        assertThat(GenerationHarness.doc(home, "seedless-1").getParent().getFileName().toString()).isEqualTo(TASK);
    }
}
