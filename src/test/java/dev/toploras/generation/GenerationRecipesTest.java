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
import static dev.toploras.generation.GenerationHarness.awaitStatus;
import static dev.toploras.generation.GenerationHarness.drop;
import static dev.toploras.generation.GenerationHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generation recipes of examples/, each copied into <home>/routes as the README says, seen at WireMock. */
class GenerationRecipesTest {
    @TempDir
    Path dir;
    WireMockServer wm;
    Home home;

    @BeforeEach
    void stub() throws Exception {
        wm = Stubs.wireMock();
        home = new Home(dir);
        Files.createDirectories(home.routes());
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    TopLorasRuntime start(Map<String, String> extra) throws Exception {
        Map<String, String> config = new HashMap<>(GenerationHarness.oneFastWorker(wm.baseUrl()));
        config.put("retries.initial-delay", "10");
        config.putAll(extra);
        return TopLorasRuntime.start(home, config, () -> Optional.of(GenerationHarness.TOKEN), Clock.systemUTC());
    }

    static void install(Home home, String example, String as) throws Exception {
        Files.copy(Path.of("examples", example), home.routes().resolve(as));
    }

    @Test
    void should_send_the_users_header_on_every_submit_when_a_copy_of_generation_yaml_adds_it() throws Exception {
        install(home, "generation-submit-header.camel.yaml", "generation.camel.yaml");
        String s = "retry";
        wm.stubFor(post(urlEqualTo("/v1/images/generations")).inScenario(s).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        wm.stubFor(post(urlEqualTo("/v1/images/generations")).inScenario(s).whenScenarioStateIs("up")
                .willReturn(okJson(GenerationHarness.submitted("t-tag"))));
        wm.stubFor(get(urlEqualTo("/v1/tasks/t-tag")).willReturn(okJson(
                GenerationHarness.succeeded(wm.baseUrl() + "/img/tag.png"))));
        wm.stubFor(get(urlPathEqualTo("/img/tag.png")).willReturn(aResponse().withBody(GenerationHarness.png(8, 8))));

        try (TopLorasRuntime rt = start(Map.of("my-client-tag", "team-42"))) {
            drop(home, job("tagged-1", "tag me", "remote"));
            awaitStatus(home, "tagged-1", "succeeded");
        }

        List<LoggedRequest> submits = wm.findAll(postRequestedFor(urlEqualTo("/v1/images/generations")));
        assertThat(submits).as("the first try and its retry").hasSize(2)
                .allSatisfy(r -> assertThat(r.getHeader("X-Client-Tag")).isEqualTo("team-42"));
    }

    @Test
    void should_render_with_the_users_route_when_local_endpoint_points_at_it() throws Exception {
        install(home, "local-http-renderer.camel.yaml", "local-http-renderer.camel.yaml");
        byte[] png = GenerationHarness.png(24, 16);
        wm.stubFor(post(urlEqualTo("/render")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(png)));

        JsonNode doc;
        try (TopLorasRuntime rt = start(Map.of("local.endpoint", "direct:my-renderer",
                "my-renderer.url", wm.baseUrl() + "/render"))) {
            drop(home, job("mine-1", "my own renderer", "local"));
            doc = awaitStatus(home, "mine-1", "succeeded");
        }

        assertThat(doc.at("/meta/backend").asText()).isEqualTo("my-renderer");
        assertThat(Files.readAllBytes(home.root().resolve(doc.at("/result/0/data/url").asText()))).isEqualTo(png);
        LoggedRequest render = wm.findAll(postRequestedFor(urlEqualTo("/render"))
                .withRequestBody(matchingJsonPath("$.params.prompt", equalTo("my own renderer")))
                .withRequestBody(matchingJsonPath("$.params.seed", equalTo("12345")))).get(0);
        assertThat(render.containsHeader("Authorization")).isFalse();
        assertThat(GenerationHarness.events(home, "mine-1")).extracting(e -> e.path("message").asText())
                .contains("asking my renderer");
    }

    @Test
    void should_fail_the_job_saying_what_it_left_when_a_user_backend_route_returns_no_images() throws Exception {
        Files.writeString(home.routes().resolve("broken-renderer.camel.yaml"), """
                - route:
                    id: broken-renderer
                    from:
                      uri: direct:broken-renderer
                      steps:
                        - setBody:
                            constant: "done, I think"
                """);

        JsonNode doc;
        try (TopLorasRuntime rt = start(Map.of("local.endpoint", "direct:broken-renderer"))) {
            drop(home, job("broken-1", "nothing comes back", "local"));
            doc = awaitStatus(home, "broken-1", "failed");
        }

        assertThat(doc.at("/error/code").asText()).isEqualTo("upstream_rejected");
        assertThat(doc.at("/error/message").asText()).contains("left a String")
                .contains("List of RenderedImage");
        assertThat(doc.at("/result").size()).isZero();
    }

    @Test
    void should_keep_the_header_recipe_the_bundled_route_plus_its_marked_step() throws Exception {
        List<String> recipe = Files.readAllLines(Path.of("examples", "generation-submit-header.camel.yaml"));
        List<String> bundled = Files.readAllLines(Path.of("routes", "generation.camel.yaml"));
        int step = recipe.indexOf("        # recipe: the header your gateway or ModelScope account needs (value from "
                + "configuration)");
        assertThat(step).as("the marked step").isPositive();
        List<String> without = new java.util.ArrayList<>(recipe.subList(0, step));
        without.addAll(recipe.subList(step + 4, recipe.size()));
        assertThat(without.stream().dropWhile(l -> l.startsWith("# Recipe") || !l.startsWith("# Generation"))
                .toList()).as("copy it again from routes/ when the bundled route changes").isEqualTo(bundled);
    }
}
