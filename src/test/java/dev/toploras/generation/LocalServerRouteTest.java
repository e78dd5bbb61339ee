package dev.toploras.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.toploras.generation.LocalServerAndQueueTest.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.GenerationRouteTestSupport;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local backend as the user's own OpenAI-images server (local.url), from the job to its document on the
 * route-test layer, with the real camel-http call going to a WireMock server (the headers on the wire are the
 * behaviour). LocalServerAndQueueTest keeps the full queue's 503 over HTTP.
 */
class LocalServerRouteTest extends GenerationRouteTestSupport {
    final WireMockServer server = Stubs.wireMock();

    @Override
    protected List<String> flows() {
        return List.of("errors.camel.yaml", "generation.camel.yaml", "local-http.camel.yaml",
                "local-openai.camel.yaml");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("local.url", server.baseUrl());
    }

    @BeforeEach
    void freshStub() {
        server.resetAll();
    }

    @AfterAll
    void stopStub() {
        server.stop();
    }

    @Test
    void should_render_on_the_users_own_openai_images_server_when_local_url_is_set() throws Exception {
        byte[] png = Images.png(64, 64);
        server.stubFor(post(urlPathEqualTo("/v1/images/generations"))
                .withRequestBody(matchingJsonPath("$.response_format", equalTo("b64_json")))
                .willReturn(okJson("{\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(png) + "\"}]}")));

        JsonNode doc = run(job("own-1", "local"));

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(doc.at("/meta/backend").asText()).isEqualTo("local-openai");
        assertThat(resultFile(doc)).isEqualTo(png);
        assertThat(server.findAll(postRequestedFor(urlPathEqualTo("/v1/images/generations"))).get(0)
                .containsHeader("Authorization")).isFalse();
    }

    @Test
    void should_fail_the_job_clearly_when_the_users_server_sends_no_image() throws Exception {
        server.stubFor(post(urlPathEqualTo("/v1/images/generations")).willReturn(okJson("{\"data\":[]}")));

        JsonNode doc = run(job("own-2", "local"));

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/message").asText()).contains("no b64_json image");
    }
}
