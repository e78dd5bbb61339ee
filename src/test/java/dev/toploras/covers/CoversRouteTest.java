package dev.toploras.covers;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.toploras.catalog.CatalogBeans;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.core.Home;
import dev.toploras.support.Images;
import dev.toploras.support.RouteTestSupport;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.camel.CamelConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bundled covers flow (covers.camel.yaml, with errors' route configurations) on Camel's test kit, its camel-http
 * calls going over the wire to WireMock standing in for the cover CDN: the requests WireMock logs are the behaviour.
 * localhost is the one cover host (it may get the token after a 401/403), 127.0.0.1 the same server under a name that
 * is not; covers.max-bytes is 50000. Mirrors CatalogFlowTest's cover cases at the flow's own boundary: a CoverTarget
 * in, a CoverResult out.
 */
class CoversRouteTest extends RouteTestSupport {
    static final String TOKEN = "tok-ROUTE-0815";
    static final byte[] PNG = Images.png(24, 12);

    // Started before the context: the class's one context is built before any @BeforeAll of this class would run.
    final WireMockServer wm = Stubs.wireMock();

    @Override
    protected List<String> flows() {
        return List.of("errors.camel.yaml", "covers.camel.yaml");
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CatalogBeans(() -> Optional.of(TOKEN)));
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("modelscope.cover-hosts", "localhost", "covers.max-bytes", "50000", "http.timeout", "1s");
    }

    @BeforeEach
    void resetCdn() {
        wm.resetAll();
    }

    @AfterAll
    void stopCdn() {
        wm.stop();
    }

    String coverHost() {
        return "http://localhost:" + wm.port();
    }

    String otherHost() {
        return "http://127.0.0.1:" + wm.port();
    }

    CoverTarget target(String dir, String name, int position, String coverUrl) {
        LoraRecord r = new LoraRecord("u/" + name, name, name, "u", null, coverUrl, null, 1, 0, null, List.of(),
                List.of(), List.of(), null, List.of(), null, null);
        return new CoverTarget(r, position, homeDir().resolve(dir), null);
    }

    CoverResult fetch(CoverTarget target) {
        return template.requestBody("direct:covers-fetch", target, CoverResult.class);
    }

    List<CoverResult> download(List<CoverTarget> targets) {
        List<?> results = template.requestBody("direct:covers-download", targets, List.class);
        return results.stream().map(CoverResult.class::cast).toList();
    }

    void answer(String path, ResponseDefinitionBuilder reply) {
        wm.stubFor(get(urlPathEqualTo(path)).willReturn(reply));
    }

    void stubPng(String path) {
        wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withHeader("ETag", "\"v1\"").withHeader("Last-Modified", "Sat, 05 Dec 2026 10:00:00 GMT")
                .withBody(PNG)));
    }

    @Test
    void should_store_the_cover_named_by_hash_with_one_get_asking_for_an_image() throws Exception {
        stubPng("/c/ok.png");

        CoverResult result = fetch(target("stored", "ok", 0, coverHost() + "/c/ok.png"));

        CoverOutcome out = result.outcome();
        assertThat(out.warning()).isNull();
        assertThat(out.downloaded()).isTrue();
        assertThat(out.file().getFileName().toString()).matches("[0-9a-f]{32}\\.png");
        assertThat(Files.readAllBytes(out.file())).isEqualTo(PNG);
        assertThat(out.file().resolveSibling(out.file().getFileName().toString().replace(".png", ".meta.json")))
                .exists();
        List<LoggedRequest> gets = wm.findAll(getRequestedFor(urlPathEqualTo("/c/ok.png")));
        assertThat(gets).hasSize(1);
        assertThat(gets.get(0).getHeader("Accept")).isEqualTo("image/*");
        assertThat(gets.get(0).containsHeader("Authorization")).isFalse();
        assertThat(gets.get(0).containsHeader("If-None-Match")).isFalse();
    }

    @Test
    void should_follow_a_redirect_hop_by_hop_when_the_location_carries_raw_spaces() throws Exception {
        // as the real CDN answers _cover_images_: a signed URL with raw spaces in its path and query
        wm.stubFor(get(urlPathEqualTo("/models/u/x/resolve/master/_cover_images_/a.png")).willReturn(aResponse()
                .withStatus(302).withHeader("Location", "/cdn/signed cover/a.png?Expires=1 2&sig=a b")));
        stubPng("/cdn/signed%20cover/a.png");

        CoverResult result = fetch(target("redirect", "x", 0,
                coverHost() + "/models/u/x/resolve/master/_cover_images_/a.png"));

        assertThat(result.outcome().warning()).isNull();
        assertThat(Files.readAllBytes(result.outcome().file())).isEqualTo(PNG);
        List<LoggedRequest> all = wm.findAll(anyRequestedFor(anyUrl()));
        assertThat(all).extracting(LoggedRequest::getUrl).containsExactly(
                "/models/u/x/resolve/master/_cover_images_/a.png", "/cdn/signed%20cover/a.png?Expires=1%202&sig=a%20b");
    }

    @Test
    void should_keep_the_stored_copy_when_the_cdn_answers_304_to_its_validators() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/c/same.png")).withHeader("If-None-Match", equalTo("\"v1\""))
                .atPriority(1).willReturn(aResponse().withStatus(304)));
        wm.stubFor(get(urlPathEqualTo("/c/same.png")).atPriority(5).willReturn(aResponse()
                .withHeader("Content-Type", "image/png").withHeader("ETag", "\"v1\"")
                .withHeader("Last-Modified", "Sat, 05 Dec 2026 10:00:00 GMT").withBody(PNG)));
        CoverTarget target = target("unchanged", "same", 0, coverHost() + "/c/same.png");

        CoverOutcome first = fetch(target).outcome();
        CoverOutcome second = fetch(target).outcome();

        assertThat(first.downloaded()).isTrue();
        assertThat(second.downloaded()).isFalse();
        assertThat(second.unchanged()).isTrue();
        assertThat(second.warning()).isNull();
        assertThat(second.file()).isEqualTo(first.file());
        assertThat(Files.readAllBytes(second.file())).isEqualTo(PNG);
        List<LoggedRequest> gets = wm.findAll(getRequestedFor(urlPathEqualTo("/c/same.png")));
        assertThat(gets).hasSize(2);
        assertThat(gets.get(1).getHeader("If-None-Match")).isEqualTo("\"v1\"");
        assertThat(gets.get(1).getHeader("If-Modified-Since")).isEqualTo("Sat, 05 Dec 2026 10:00:00 GMT");
    }

    @Test
    void should_retry_once_with_the_token_on_a_cover_host_and_never_send_it_to_another_host() throws Exception {
        // b: 127.0.0.1 is no cover host, asked directly (b) or after a redirect (c); d: a cover host refusing twice
        answer("/private/b.png", aResponse().withStatus(403));
        answer("/hop/c.png", aResponse().withStatus(302).withHeader("Location", otherHost() + "/private/b.png"));
        answer("/private/d.png", aResponse().withStatus(403));
        // a: a cover host refusing without the token, serving with it
        wm.stubFor(get(urlPathEqualTo("/private/a.png")).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401)));
        wm.stubFor(get(urlPathEqualTo("/private/a.png")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(PNG)));

        List<CoverResult> results = download(List.of(
                target("token", "a", 0, coverHost() + "/private/a.png"),
                target("token", "b", 1, otherHost() + "/private/b.png"),
                target("token", "c", 2, coverHost() + "/hop/c.png"),
                target("token", "d", 3, coverHost() + "/private/d.png")));

        assertThat(results).extracting(r -> r.record().id()).containsExactly("u/a", "u/b", "u/c", "u/d");
        assertThat(results.get(0).outcome().file()).isNotNull();
        assertThat(results.get(1).outcome().warning()).contains("HTTP 403 from 127.0.0.1");
        assertThat(results.get(2).outcome().warning()).contains("HTTP 403 from 127.0.0.1");
        assertThat(results.get(3).outcome().warning()).contains("HTTP 403 from localhost");
        assertThat(results.subList(1, 4)).allMatch(r -> r.outcome().file() == null);
        List<LoggedRequest> withToken = wm.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> r.containsHeader("Authorization")).toList();
        assertThat(withToken).extracting(LoggedRequest::getUrl).containsExactlyInAnyOrder("/private/a.png",
                "/private/d.png");
        assertThat(withToken).allMatch(r -> r.getHeader("Host").startsWith("localhost"));
        // once with the token, then it is a refusal: no third request
        assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/private/d.png")))).hasSize(2);
        assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/private/b.png")))).hasSize(2);
        assertThat(results).allMatch(r -> r.outcome().warning() == null || !r.outcome().warning().contains(TOKEN));
    }

    @Test
    void should_turn_each_refusal_into_a_warning_and_no_cover_without_failing_the_batch() throws Exception {
        String b = coverHost();
        stubPng("/c/ok.png");
        Map<String, ResponseDefinitionBuilder> refusing = Map.of(
                "/c/missing.png", aResponse().withStatus(404),
                "/c/page.png", aResponse().withHeader("Content-Type", "text/html").withBody("<html>login</html>"),
                "/c/liar.png", aResponse().withHeader("Content-Type", "image/png").withBody("<html>not really</html>"),
                "/c/huge.png", aResponse().withHeader("Content-Type", "image/png").withBody(hugePng(80_000)),
                "/c/loop.png", aResponse().withStatus(302).withHeader("Location", "/c/loop.png"),
                "/c/nowhere.png", aResponse().withStatus(302));
        refusing.forEach(this::answer);

        List<CoverResult> results = download(List.of(
                target("refusals", "ok", 0, b + "/c/ok.png"),
                target("refusals", "missing", 1, b + "/c/missing.png"),
                target("refusals", "page", 2, b + "/c/page.png"),
                target("refusals", "liar", 3, b + "/c/liar.png"),
                target("refusals", "huge", 4, b + "/c/huge.png"),
                target("refusals", "loop", 5, b + "/c/loop.png"),
                target("refusals", "nowhere", 6, b + "/c/nowhere.png"),
                target("refusals", "none", 7, null)));

        assertThat(results).extracting(r -> r.target().position()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(results.get(0).outcome().file()).isNotNull();
        assertThat(results.subList(1, 8)).allMatch(r -> r.outcome().file() == null && !r.outcome().downloaded());
        assertThat(results).extracting(r -> r.outcome().warning()).containsExactly(null,
                "cover of u/missing not stored: HTTP 404 from localhost",
                "cover of u/page not stored: not an image: Content-Type 'text/html' from localhost",
                "cover of u/liar not stored: not an image: the content does not start like"
                        + " PNG, JPEG, GIF, WebP or AVIF",
                // WireMock's body arrives without a declared length here: the cap stops the copy while it streams
                "cover of u/huge not stored: over covers.max-bytes (50000)",
                "cover of u/loop not stored: more than " + CoverChecks.MAX_REDIRECTS + " redirects",
                "cover of u/nowhere not stored: redirect 302 without a Location",
                null);
        assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/c/loop.png"))))
                .hasSize(CoverChecks.MAX_REDIRECTS + 1);
        try (Stream<Path> files = Files.list(homeDir().resolve("refusals"))) {
            assertThat(files.map(p -> p.getFileName().toString())).filteredOn(n -> !n.endsWith(".meta.json"))
                    .hasSize(1);
        }
    }

    @Test
    void should_keep_the_copy_from_before_when_a_later_fetch_is_refused() throws Exception {
        stubPng("/c/flaky.png");
        CoverTarget target = target("kept", "flaky", 0, coverHost() + "/c/flaky.png");
        CoverOutcome first = fetch(target).outcome();
        wm.resetAll();
        wm.stubFor(get(urlPathEqualTo("/c/flaky.png")).willReturn(aResponse().withStatus(500)));

        CoverOutcome second = fetch(target).outcome();

        assertThat(second.file()).isEqualTo(first.file());
        assertThat(second.warning()).isEqualTo("cover of u/flaky not stored: HTTP 500 from localhost"
                + " (kept the copy from before)");
        assertThat(Files.readAllBytes(second.file())).isEqualTo(PNG);
    }

    static byte[] hugePng(int size) {
        byte[] b = new byte[size];
        System.arraycopy(PNG, 0, b, 0, 8);
        return b;
    }
}
