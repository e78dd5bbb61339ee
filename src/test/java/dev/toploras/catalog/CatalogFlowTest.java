package dev.toploras.catalog;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.toploras.core.Home;
import dev.toploras.modelscope.UpstreamHealth;
import dev.toploras.modelscope.UpstreamRateLimitedException;
import dev.toploras.modelscope.UpstreamRejectedException;
import dev.toploras.modelscope.UpstreamTimeoutException;
import dev.toploras.modelscope.UpstreamUnavailableException;
import dev.toploras.runs.RunDocument;
import dev.toploras.runs.RunEvent;
import dev.toploras.runs.RunItem;
import dev.toploras.runs.RunStore;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Images;
import dev.toploras.support.Listings;
import dev.toploras.support.Schemas;
import dev.toploras.support.Stubs;
import dev.toploras.support.Unwrap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog routes as shipped, against WireMock standing in for ModelScope and its cover hosts. */
class CatalogFlowTest {
    static final String TOKEN = "tok-SECRET-4711";
    static final String LISTING = "/api/v1/dolphin/models";
    static final byte[] PNG = Images.png(32, 18);

    static WireMockServer wm;
    static TopLorasRuntime runtime;
    static Path home;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        wm = Stubs.wireMock();
        home = dir;
        runtime = TopLorasRuntime.start(new Home(dir), Map.of(
                "modelscope.base-url", base(),
                // cover hosts are matched by name: localhost may get the token, 127.0.0.1 may not
                "modelscope.cover-hosts", "localhost",
                "http.timeout", "1s",
                "retries.initial-delay", "10",
                "covers.max-bytes", "50000"), () -> Optional.of(TOKEN), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        runtime.close();
        wm.stop();
    }

    @BeforeEach
    void reset() {
        wm.resetAll();
    }

    static String base() {
        return "http://localhost:" + wm.port();
    }

    static String otherHost() {
        return "http://127.0.0.1:" + wm.port();
    }

    CatalogRequest request(String task, int limit) {
        return new CatalogRequest(task, limit, null, true, null, tmp.resolve("cache.json"), tmp.resolve("images"),
                false, null);
    }

    CatalogResult refresh(CatalogRequest req) {
        try {
            return runtime.template().requestBody("direct:catalog-refresh", req, CatalogResult.class);
        } catch (CamelExecutionException e) {
            throw Unwrap.cause(e);
        }
    }

    JsonNode cacheJson() throws Exception {
        return JSON.readTree(tmp.resolve("cache.json").toFile());
    }

    void stubPng(String path) {
        wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withHeader("ETag", "\"v1\"").withBody(PNG)));
    }

    void stubListing(String body) {
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(okJson(body)));
    }

    void stubPage(int page, String body) {
        wm.stubFor(put(urlEqualTo(LISTING)).withRequestBody(matchingJsonPath("$.PageNumber", equalTo("" + page)))
                .willReturn(okJson(body)));
    }

    int listingCalls() {
        return wm.findAll(putRequestedFor(urlEqualTo(LISTING))).size();
    }

    @Test
    void should_build_leaderboard_from_real_listing_reply() throws Exception {
        stubPage(1, Listings.realPage(base()));
        stubPage(2, Listings.page(39692, List.of()));
        wm.stubFor(get(urlPathMatching("/cover-images/.*")).willReturn(aResponse()
                .withHeader("Content-Type", "image/jpeg").withBody(jpeg())));
        // The real CDN redirects _cover_images_ to a signed URL whose Location carries raw spaces.
        wm.stubFor(get(urlPathMatching("/models/.*/resolve/master/_cover_images_/.*")).willReturn(aResponse()
                .withStatus(302).withHeader("Location", "/cdn/signed cover/ee17.png?Expires=1 2&sig=a b")));
        wm.stubFor(get(urlPathEqualTo("/cdn/signed%20cover/ee17.png")).willReturn(aResponse()
                .withHeader("Content-Type", "image/png").withBody(PNG)));

        CatalogResult result = refresh(request("text-to-image-synthesis", 50));

        JsonNode doc = cacheJson();
        String text = Files.readString(tmp.resolve("cache.json"));
        assertThat(Schemas.validate("/schemas/catalog-cache.schema.json", text)).isEmpty();
        assertThat(text).doesNotContain("AigcAttributes", "aigc_attributes", "ReadMeContent", "readme");
        List<String> ids = new ArrayList<>();
        doc.get("results").forEach(r -> ids.add(r.get("id").asText()));
        // 27 of 30: 21 typed LoRA, 6 by a "lora" tag on an image task; the three Wan2.2 video LoRAs stay out
        assertThat(ids).hasSize(27)
                .contains("lightx2v/Qwen-Image-Lightning", "muse/sd35_clip_l", "dx8152/Qwen-Edit-2509-Multiple-angles")
                .doesNotContain("lightx2v/Wan2.2-Distill-Models", "lightx2v/Wan2.2-I2V-A14B-Moe-Distill-Lightx2v",
                        "lightx2v/Wan2.2-Distill-Loras")
                .startsWith("muse/sd35_clip_l", "yiwanji/FLUX_xiao_hong_shu_ji_zhi_zhen_shi_V2",
                        "lightx2v/Qwen-Image-Lightning", "DiffSynth-Studio/Qwen-Image-Edit-F2P");
        List<Long> downloads = new ArrayList<>();
        doc.get("results").forEach(r -> downloads.add(r.get("downloads").asLong()));
        assertThat(downloads).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(result.pagesFetched()).isEqualTo(2);
        assertThat(result.warnings()).isEmpty();
        List<String> coverless = new ArrayList<>();
        for (JsonNode r : doc.get("results")) {
            if (r.path("cover_url").isNull() || r.path("cover_url").isMissingNode()) {
                // the six admitted by their tag carry no CoverImages and no MuseInfo on the real page
                assertThat(r.path("cover_local").isNull()).isTrue();
                coverless.add(r.get("id").asText());
                continue;
            }
            Path cover = home.resolve(r.get("cover_local").asText());
            assertThat(cover).exists();
            assertThat(cover.getFileName().toString()).matches("[0-9a-f]{32}\\.(png|jpg)");
        }
        assertThat(coverless).containsExactlyInAnyOrder("lightx2v/Qwen-Image-Lightning", "muse/sd35_clip_l",
                "AI-ModelScope/next-scene-qwen-image-lora-2509", "dx8152/Qwen-Edit-2509-Multiple-angles",
                "flymy-ai/qwen-image-edit-2509-inscene-lora", "AI-ModelScope/Qwen-Image-Edit-Remove-Clothes");
        assertThat(doc.get("_cached_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(doc.get("task").asText()).isEqualTo("text-to-image-synthesis");
        // needs_image by the shipped rule: exactly the page's seven edit / image-to-image records (issue 19)
        List<String> needing = new ArrayList<>();
        doc.get("results").forEach(r -> {
            if (r.get("needs_image").asBoolean()) {
                needing.add(r.get("id").asText());
            }
        });
        assertThat(needing).containsExactlyInAnyOrder("DiffSynth-Studio/Qwen-Image-Edit-F2P",
                "iMonDreame/Anime2Realism-Qwen-Image-Edit", "DiffSynth-Studio/FLUX.1-Kontext-dev-lora-highresfix",
                "AI-ModelScope/next-scene-qwen-image-lora-2509", "dx8152/Qwen-Edit-2509-Multiple-angles",
                "flymy-ai/qwen-image-edit-2509-inscene-lora", "AI-ModelScope/Qwen-Image-Edit-Remove-Clothes");
        doc.get("results").forEach(r -> assertThat(r.get("needs_image").isBoolean()).isTrue());
        assertThat(ids.size() - needing.size()).as("every other record false").isEqualTo(20);
    }

    @Test
    void should_record_the_refresh_as_a_run_with_one_item_per_lora() {
        stubPng("/c/ok.png");
        wm.stubFor(get(urlPathEqualTo("/c/gone.png")).willReturn(aResponse().withStatus(404)));
        stubListing(Listings.page(2, List.of(Listings.lora("u", "a", 2, base() + "/c/ok.png"),
                Listings.lora("u", "b", 1, base() + "/c/gone.png"))));

        CatalogResult result = refresh(request("t", 5));

        RunStore runs = runtime.bean("runStore", RunStore.class);
        RunDocument run = runs.get(result.runId()).orElseThrow();
        assertThat(run.kind()).isEqualTo("refresh");
        assertThat(run.state()).isEqualTo("completed_with_warnings");
        assertThat(run.counts()).isEqualTo(new RunDocument.Counts(2, 2, 1, 0));
        assertThat(runs.items(result.runId())).extracting(RunItem::label, RunItem::stage, RunItem::hasWarning)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("u/a", "done", false),
                        org.assertj.core.groups.Tuple.tuple("u/b", "done", true));
        String itemB = runs.items(result.runId()).get(1).itemId();
        assertThat(runs.events(result.runId(), itemB)).extracting(RunEvent::stage)
                .containsExactly("fetch", "cover", "cover", "done");
        assertThat(home.resolve("cache/runs/" + result.runId() + "/run.json")).exists();
    }

    @Test
    void should_record_upstream_reachability_for_health_from_every_call() {
        stubListing(Listings.page(1, List.of(Listings.lora("u", "a", 1, null))));
        refresh(request("t", 5));
        UpstreamHealth.Seen seen = runtime.bean("upstreamHealth", UpstreamHealth.class).snapshot()
                .get("localhost:" + wm.port());
        assertThat(seen).isNotNull();
        assertThat(seen.reachable()).isTrue();
        assertThat(seen.detail()).isEqualTo("HTTP 200");
    }

    @Test
    void should_mark_the_run_failed_when_the_listing_fails() {
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(aResponse().withStatus(400)));
        RunStore runs = runtime.bean("runStore", RunStore.class);
        int before = runs.list().size();

        assertThatThrownBy(() -> refresh(request("t", 5))).isInstanceOf(UpstreamRejectedException.class);

        List<RunDocument> all = runs.list();
        assertThat(all).hasSize(before + 1);
        assertThat(all.get(0).state()).isEqualTo("failed");
        assertThat(all.get(0).error().code()).isEqualTo("upstream_rejected");
        assertThat(all.get(0).error().message()).contains("HTTP 400");
    }

    @Test
    void should_ask_for_loras_of_the_task_in_the_configured_order_without_credentials() {
        stubListing(Listings.page(1, List.of(Listings.lora("a", "one", 5, null))));

        refresh(new CatalogRequest("image-to-image", 30, CatalogSort.LIKES, true, null, tmp.resolve("cache.json"),
                tmp.resolve("images"), false, null));

        LoggedRequest req = wm.findAll(putRequestedFor(urlEqualTo(LISTING))).get(0);
        JsonNode body = readTree(req.getBodyAsString());
        assertThat(body.get("PageSize").asInt()).isEqualTo(30);
        assertThat(body.get("PageNumber").asInt()).isEqualTo(1);
        assertThat(body.get("SortBy").asText()).isEqualTo("StarsCount");
        assertThat(body.at("/Criterion/0/category").asText()).isEqualTo("tasks");
        assertThat(body.at("/Criterion/0/values/0").asText()).isEqualTo("image-to-image");
        assertThat(body.at("/SingleCriterion/0/StringValue").asText()).isEqualTo("LoRA");
        assertThat(req.containsHeader("Authorization")).isFalse();
    }

    @Test
    void should_page_until_enough_loras_are_collected() throws Exception {
        List<ObjectNode> first = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            first.add(i % 3 == 0 ? Listings.checkpoint("ck", "c" + i, 9999) : Listings.lora("u", "a" + i, 100 + i, null));
        }
        List<ObjectNode> second = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            second.add(Listings.lora("v", "b" + i, 10 + i, null));
        }
        List<ObjectNode> third = List.of(Listings.lora("w", "never", 1_000_000, null));
        stubPage(1, Listings.page(1000, first));
        stubPage(2, Listings.page(1000, second));
        stubPage(3, Listings.page(1000, third));

        CatalogResult result = refresh(request("t", 15));

        assertThat(listingCalls()).isEqualTo(2);
        assertThat(result.pagesFetched()).isEqualTo(2);
        JsonNode results = cacheJson().get("results");
        assertThat(results).hasSize(15);
        assertThat(results.get(0).get("id").asText()).isEqualTo("u/a14");
        assertThat(results.toString()).doesNotContain("ck/");
    }

    @Test
    void should_stop_paging_when_total_count_is_reached() {
        List<ObjectNode> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(Listings.lora("u", "a" + i, i, null));
        }
        stubListing(Listings.page(12, all));

        CatalogResult result = refresh(request("t", 20));

        assertThat(listingCalls()).isEqualTo(1);
        assertThat(result.document().results()).hasSize(12);
    }

    @Test
    void should_keep_one_entry_per_id_with_the_larger_download_count() {
        stubPage(1, Listings.page(40, List.of(Listings.lora("u", "dup", 5, null), Listings.lora("u", "x", "1,234", null))));
        stubPage(2, Listings.page(40, List.of(Listings.lora("u", "dup", 50, null))));
        stubPage(3, Listings.page(40, List.of()));

        CatalogResult result = refresh(request("t", 10));

        assertThat(result.document().results()).extracting(LoraRecord::id, LoraRecord::downloads)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("u/x", 1234L),
                        org.assertj.core.groups.Tuple.tuple("u/dup", 50L));
    }

    @Test
    void should_fail_on_success_false_and_keep_the_previous_cache() throws Exception {
        Files.writeString(tmp.resolve("cache.json"), "{\"previous\": true}");
        stubListing(Listings.failure());

        assertThatThrownBy(() -> refresh(request("t", 5)))
                .isInstanceOf(UpstreamRejectedException.class).hasMessageContaining("Success:false");

        assertThat(listingCalls()).isEqualTo(1);
        assertThat(Files.readString(tmp.resolve("cache.json"))).isEqualTo("{\"previous\": true}");
    }

    @Test
    void should_fail_when_the_reply_has_no_data() {
        stubListing("{\"Code\":200,\"Success\":true,\"Data\":{}}");

        assertThatThrownBy(() -> refresh(request("t", 5)))
                .isInstanceOf(UpstreamRejectedException.class).hasMessageContaining("no Data.Model.Models");
        assertThat(tmp.resolve("cache.json")).doesNotExist();
    }

    @Test
    void should_retry_5xx_exactly_as_configured_then_keep_the_previous_cache() throws Exception {
        Files.writeString(tmp.resolve("cache.json"), "{\"previous\": true}");
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(aResponse().withStatus(503).withBody("Server is busy")));

        assertThatThrownBy(() -> refresh(request("t", 5)))
                .isInstanceOf(UpstreamUnavailableException.class).hasMessageContaining("503");

        assertThat(listingCalls()).isEqualTo(1 + 3);
        assertThat(Files.readString(tmp.resolve("cache.json"))).isEqualTo("{\"previous\": true}");
    }

    @Test
    void should_recover_when_5xx_stops_within_the_retries() {
        wm.stubFor(put(urlEqualTo(LISTING)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("once"));
        wm.stubFor(put(urlEqualTo(LISTING)).inScenario("busy").whenScenarioStateIs("once")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        wm.stubFor(put(urlEqualTo(LISTING)).inScenario("busy").whenScenarioStateIs("ok")
                .willReturn(okJson(Listings.page(1, List.of(Listings.lora("u", "a", 1, null))))));

        CatalogResult result = refresh(request("t", 5));

        assertThat(listingCalls()).isEqualTo(3);
        assertThat(result.document().results()).hasSize(1);
    }

    @Test
    void should_retry_timeouts_exactly_as_configured() {
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(okJson(Listings.page(0, List.of())).withFixedDelay(1500)));

        assertThatThrownBy(() -> refresh(request("t", 5))).isInstanceOf(UpstreamTimeoutException.class);

        assertThat(listingCalls()).isEqualTo(4);
    }

    @Test
    void should_not_retry_client_errors() {
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(aResponse().withStatus(400)));
        assertThatThrownBy(() -> refresh(request("t", 5))).isInstanceOf(UpstreamRejectedException.class);
        assertThat(listingCalls()).isEqualTo(1);

        wm.resetAll();
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(aResponse().withStatus(429)));
        assertThatThrownBy(() -> refresh(request("t", 5))).isInstanceOf(UpstreamRateLimitedException.class);
        assertThat(listingCalls()).isEqualTo(1);
    }

    @Test
    void should_serve_a_fresh_cache_without_asking_modelscope_unless_forced() {
        stubListing(Listings.page(1, List.of(Listings.lora("u", "a", 1, null))));
        CatalogRequest forced = request("t", 5);
        CatalogRequest lazy = new CatalogRequest("t", 5, null, false, null, forced.cacheFile(), forced.imagesDir(),
                false, null);

        refresh(forced);
        CatalogResult second = refresh(lazy);
        assertThat(second.fromCache()).isTrue();
        assertThat(second.document().results()).hasSize(1);
        assertThat(listingCalls()).isEqualTo(1);

        refresh(forced);
        assertThat(listingCalls()).isEqualTo(2);
    }

    @Test
    void should_keep_going_when_covers_fail_and_record_why() throws Exception {
        String b = base();
        stubPng("/c/ok.png");
        wm.stubFor(get(urlPathEqualTo("/c/missing.png")).willReturn(aResponse().withStatus(404)));
        wm.stubFor(get(urlPathEqualTo("/c/page.png")).willReturn(aResponse()
                .withHeader("Content-Type", "text/html").withBody("<html>login</html>")));
        wm.stubFor(get(urlPathEqualTo("/c/liar.png")).willReturn(aResponse()
                .withHeader("Content-Type", "image/png").withBody("<html>not really</html>")));
        wm.stubFor(get(urlPathEqualTo("/c/huge.png")).willReturn(aResponse()
                .withHeader("Content-Type", "image/png").withBody(hugePng(80_000))));
        wm.stubFor(get(urlPathEqualTo("/c/slow.png")).willReturn(aResponse()
                .withHeader("Content-Type", "image/png").withBody(PNG).withFixedDelay(1500)));
        stubListing(Listings.page(6, List.of(
                Listings.lora("u", "ok", 60, b + "/c/ok.png"),
                Listings.lora("u", "missing", 50, b + "/c/missing.png"),
                Listings.lora("u", "page", 40, b + "/c/page.png"),
                Listings.lora("u", "liar", 30, b + "/c/liar.png"),
                Listings.lora("u", "huge", 20, b + "/c/huge.png"),
                Listings.lora("u", "slow", 10, b + "/c/slow.png"))));

        CatalogResult result = refresh(request("t", 10));

        JsonNode results = cacheJson().get("results");
        assertThat(results).hasSize(6);
        assertThat(results.get(0).get("cover_local").isTextual()).isTrue();
        for (int i = 1; i < 6; i++) {
            assertThat(results.get(i).get("cover_local").isNull()).as(results.get(i).get("id").asText()).isTrue();
        }
        assertThat(result.warnings()).hasSize(5);
        assertThat(String.join("\n", result.warnings()))
                .contains("HTTP 404", "Content-Type 'text/html'", "does not start like PNG", "max-bytes", "no reply");
        try (Stream<Path> files = Files.list(tmp.resolve("images"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")))
                    .hasSize(1);
        }
    }

    @Test
    void should_name_cover_files_by_hash_whatever_the_id_holds() throws Exception {
        stubPng("/c/ok.png");
        stubListing(Listings.page(3, List.of(
                Listings.lora("..", "../../escape", 3, base() + "/c/ok.png"),
                Listings.lora("C:", "\\windows:stream", 2, base() + "/c/ok.png"),
                Listings.lora("/abs", "x/../../y", 1, base() + "/c/ok.png"))));

        refresh(request("t", 10));

        List<Path> stored;
        try (Stream<Path> files = Files.walk(tmp)) {
            stored = files.filter(Files::isRegularFile).toList();
        }
        assertThat(stored).allMatch(p -> p.getParent().equals(tmp.resolve("images")) || p.equals(tmp.resolve("cache.json"))
                || p.getParent().equals(tmp.resolve("history/t")));
        assertThat(stored).filteredOn(p -> p.toString().endsWith(".png")).hasSize(3)
                .allMatch(p -> p.getFileName().toString().matches("[0-9a-f]{32}\\.png"));
        assertThat(Files.exists(tmp.getParent().resolve("escape"))).isFalse();
    }

    @Test
    void should_record_history_and_write_rank_changes_and_deltas_on_the_next_refresh() throws Exception {
        stubPng("/c/ok.png");
        stubListing(Listings.page(3, List.of(Listings.lora("team", "alpha", 300, null),
                Listings.lora("team", "beta", 200, null), Listings.lora("team", "gamma", 100, null))));
        refresh(request("text-to-image-synthesis", 10));
        JsonNode first = cacheJson().get("results");
        assertThat(first.get(0).get("rank").asInt()).isEqualTo(1);
        for (JsonNode r : first) {
            for (String f : List.of("rank_change", "downloads_delta", "likes_delta", "downloads_per_day")) {
                assertThat(r.has(f) && r.get(f).isNull()).as(f + " is written, null: nothing to compare with").isTrue();
            }
            assertThat(r.get("is_new").asBoolean()).isFalse();
            assertThat(r.get("first_seen_at").isTextual()).isTrue();
        }

        wm.resetAll();
        ObjectNode gamma = Listings.lora("team", "gamma", 900, null);
        gamma.put("Stars", 7);
        stubListing(Listings.page(3, List.of(Listings.lora("team", "alpha", 310, null), gamma,
                Listings.lora("team", "delta", 50, null))));
        CatalogResult second = refresh(request("text-to-image-synthesis", 10));
        JsonNode results = cacheJson().get("results");
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        results.forEach(r -> byId.put(r.get("id").asText(), r));
        assertThat(byId.get("team/gamma").get("rank").asInt()).isEqualTo(1);
        assertThat(byId.get("team/gamma").get("rank_change").asInt()).isEqualTo(2);
        assertThat(byId.get("team/gamma").get("downloads_delta").asLong()).isEqualTo(800);
        assertThat(byId.get("team/gamma").get("likes_delta").asLong()).isEqualTo(4);
        assertThat(byId.get("team/alpha").get("rank_change").asInt()).isEqualTo(-1);
        assertThat(byId.get("team/alpha").get("downloads_delta").asLong()).isEqualTo(10);
        assertThat(byId.get("team/delta").get("rank_change").isNull()).isTrue();
        assertThat(byId.get("team/delta").get("downloads_delta").isNull()).isTrue();
        assertThat(byId.get("team/delta").get("is_new").asBoolean()).isTrue();
        assertThat(Schemas.validate("/schemas/catalog-cache.schema.json", Files.readString(tmp.resolve("cache.json"))))
                .isEmpty();
        try (Stream<Path> files = Files.list(tmp.resolve("history/text-to-image-synthesis"))) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("index.json").hasSize(3);
        }
        assertThat(second.warnings()).isEmpty();
    }

    @Test
    void should_not_download_unchanged_covers_again() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/c/same.png")).withHeader("If-None-Match", equalTo("\"v1\""))
                .atPriority(1).willReturn(aResponse().withStatus(304)));
        wm.stubFor(get(urlPathEqualTo("/c/same.png")).atPriority(5).willReturn(aResponse()
                .withHeader("Content-Type", "image/png").withHeader("ETag", "\"v1\"").withBody(PNG)));
        stubListing(Listings.page(1, List.of(Listings.lora("u", "same", 1, base() + "/c/same.png"))));

        CatalogResult first = refresh(request("t", 5));
        CatalogResult second = refresh(request("t", 5));

        assertThat(first.coversDownloaded()).isEqualTo(1);
        assertThat(second.coversDownloaded()).isZero();
        assertThat(second.coversUnchanged()).isEqualTo(1);
        List<LoggedRequest> gets = wm.findAll(getRequestedFor(urlPathEqualTo("/c/same.png")));
        assertThat(gets).hasSize(2);
        assertThat(gets.get(1).getHeader("If-None-Match")).isEqualTo("\"v1\"");
        String local = cacheJson().at("/results/0/cover_local").asText();
        assertThat(Files.readAllBytes(home.resolve(local))).isEqualTo(PNG);
    }

    @Test
    void should_send_the_token_only_to_cover_hosts_and_only_after_401() throws Exception {
        // localhost is a cover host: refused without the token, served with it.
        wm.stubFor(get(urlPathEqualTo("/private/a.png")).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401)));
        wm.stubFor(get(urlPathEqualTo("/private/a.png")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(PNG)));
        // 127.0.0.1 is not: its 401 must not be answered with the token, directly or after a redirect.
        wm.stubFor(get(urlPathEqualTo("/private/b.png")).willReturn(aResponse().withStatus(401)));
        wm.stubFor(get(urlPathEqualTo("/hop/c.png")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", otherHost() + "/private/b.png")));
        stubListing(Listings.page(3, List.of(
                Listings.lora("u", "a", 3, base() + "/private/a.png"),
                Listings.lora("u", "b", 2, otherHost() + "/private/b.png"),
                Listings.lora("u", "c", 1, base() + "/hop/c.png"))));

        refresh(request("t", 5));

        JsonNode results = cacheJson().get("results");
        assertThat(results.get(0).get("cover_local").isTextual()).isTrue();
        assertThat(results.get(1).get("cover_local").isNull()).isTrue();
        assertThat(results.get(2).get("cover_local").isNull()).isTrue();
        List<LoggedRequest> all = wm.findAll(anyRequestedFor(anyUrl()));
        List<LoggedRequest> withToken = all.stream().filter(r -> r.containsHeader("Authorization")).toList();
        assertThat(withToken).hasSize(1);
        assertThat(withToken.get(0).getUrl()).isEqualTo("/private/a.png");
        assertThat(withToken.get(0).getHeader("Host")).startsWith("localhost");
        assertThat(Files.readString(tmp.resolve("cache.json"))).doesNotContain(TOKEN);
    }

    static JsonNode readTree(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] jpeg() {
        return new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0,
            0, 1, 0, 1, 0, 0, (byte) 0xFF, (byte) 0xD9};
    }

    static byte[] hugePng(int size) {
        byte[] b = new byte[size];
        System.arraycopy(PNG, 0, b, 0, 8);
        return b;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
