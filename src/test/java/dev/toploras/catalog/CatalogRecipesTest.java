package dev.toploras.catalog;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Listings;
import dev.toploras.support.Stubs;
import dev.toploras.support.Unwrap;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's "Customising" recipes, each as shipped under examples/, copied into <home>/routes and proved at the
 * HTTP boundary (what WireMock receives) or in the files written. Also: no route edit lifts catalog.max-pages.
 */
class CatalogRecipesTest {
    static final String LISTING = "/api/v1/dolphin/models";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern RECIPE_BLOCK = Pattern.compile("(?m)^ *# >>> recipe.*?# <<< recipe\\n", Pattern.DOTALL);
    static WireMockServer wm;

    @TempDir
    Path home;

    @BeforeAll
    static void startWireMock() {
        wm = Stubs.wireMock();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }

    @BeforeEach
    void reset() {
        wm.resetAll();
    }

    TopLorasRuntime start(Map<String, String> extra) throws Exception {
        Map<String, String> props = new HashMap<>(extra);
        props.put("modelscope.base-url", "http://127.0.0.1:" + wm.port());
        props.put("retries.initial-delay", "10");
        return TopLorasRuntime.start(new Home(home), props, Optional::empty, Clock.systemUTC());
    }

    void install(String example) throws Exception {
        Files.createDirectories(home.resolve("routes"));
        Path from = Path.of("examples").resolve(example);
        Files.copy(from, home.resolve("routes").resolve(from.getFileName()));
    }

    CatalogResult refresh(TopLorasRuntime rt, String task, int limit) {
        CatalogRequest req = new CatalogRequest(task, limit, null, true, null, null, null, false, null);
        try {
            return rt.template().requestBody("direct:catalog-refresh", req, CatalogResult.class);
        } catch (CamelExecutionException e) {
            throw Unwrap.cause(e);
        }
    }

    JsonNode cache(String task) throws Exception {
        return JSON.readTree(home.resolve("cache/top_loras_" + task + ".json").toFile());
    }

    List<LoggedRequest> listingCalls() {
        return wm.findAll(putRequestedFor(urlEqualTo(LISTING)));
    }

    static List<ObjectNode> loras(String owner, int n, long downloadsFrom) {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Listings.lora(owner, "m" + i, downloadsFrom - i, null));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"listing-header", "filter-records", "page-size-and-sort", "copy-cache"})
    void should_differ_from_the_bundled_catalog_route_only_by_the_recipe_lines(String recipe) throws Exception {
        String example = Files.readString(Path.of("examples", recipe, "catalog.camel.yaml"));
        String bundled = Files.readString(Path.of("routes/catalog.camel.yaml"));
        assertThat(RECIPE_BLOCK.matcher(example).find()).isTrue();
        String withoutRecipe = RECIPE_BLOCK.matcher(example).replaceAll("");
        assertThat(withoutRecipe.substring(withoutRecipe.indexOf("# Catalog: one refresh"))).isEqualTo(bundled);
    }

    @Test
    void should_send_the_users_header_on_every_listing_request_when_the_recipe_adds_it() throws Exception {
        install("listing-header/catalog.camel.yaml");
        wm.stubFor(put(urlEqualTo(LISTING)).withRequestBody(matchingJsonPath("$.PageNumber", equalTo("1")))
                .willReturn(okJson(Listings.page(40, loras("a", 10, 100)))));
        wm.stubFor(put(urlEqualTo(LISTING)).withRequestBody(matchingJsonPath("$.PageNumber", equalTo("2")))
                .willReturn(okJson(Listings.page(40, loras("b", 10, 50)))));
        try (TopLorasRuntime rt = start(Map.of("listing.requested-by", "team-42"))) {
            refresh(rt, "t", 15);
        }
        assertThat(listingCalls()).hasSize(2)
                .allSatisfy(r -> assertThat(r.getHeader("X-Requested-By")).isEqualTo("team-42"));
    }

    @Test
    void should_keep_only_records_the_users_filter_on_cache_fields_lets_through() throws Exception {
        install("filter-records/catalog.camel.yaml");
        ObjectNode flux = Listings.lora("b", "flux-popular", 5000, null);
        flux.putArray("BaseModel").add("black-forest-labs/FLUX.1-dev");
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(okJson(Listings.page(4, List.of(
                Listings.lora("a", "popular", 3000, null), flux, Listings.lora("a", "rare", 20, null),
                Listings.lora("a", "threshold", 1000, null))))));
        try (TopLorasRuntime rt = start(Map.of("catalog.min-downloads", "1000"))) {
            refresh(rt, "t", 10);
        }
        List<String> ids = new ArrayList<>();
        cache("t").get("results").forEach(r -> ids.add(r.get("id").asText()));
        assertThat(ids).containsExactly("a/popular", "a/threshold");
    }

    @Test
    void should_ask_for_the_users_page_size_and_sort_when_the_recipe_sets_them() throws Exception {
        install("page-size-and-sort/catalog.camel.yaml");
        wm.stubFor(put(urlEqualTo(LISTING)).withRequestBody(matchingJsonPath("$.PageNumber", equalTo("1")))
                .willReturn(okJson(Listings.page(100, loras("a", 7, 100)))));
        wm.stubFor(put(urlEqualTo(LISTING)).withRequestBody(matchingJsonPath("$.PageNumber", equalTo("2")))
                .willReturn(okJson(Listings.page(100, loras("b", 7, 50)))));
        try (TopLorasRuntime rt = start(Map.of("listing.page-size", "7"))) {
            refresh(rt, "t", 12);
        }
        assertThat(listingCalls()).hasSize(2);
        JsonNode second = JSON.readTree(listingCalls().get(1).getBodyAsString());
        assertThat(second.get("PageSize").asInt()).isEqualTo(7);
        assertThat(second.get("PageNumber").asInt()).isEqualTo(2);
        assertThat(second.get("SortBy").asText()).isEqualTo("StarsCount");
    }

    @Test
    void should_copy_each_new_leaderboard_to_the_export_folder() throws Exception {
        install("copy-cache/catalog.camel.yaml");
        Path export = home.resolve("exported");
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(okJson(Listings.page(3, loras("a", 3, 100)))));
        try (TopLorasRuntime rt = start(Map.of("export.dir", export.toString()))) {
            refresh(rt, "text-to-image-synthesis", 5);
        }
        assertThat(export.resolve("text-to-image-synthesis.json"))
                .hasSameTextualContentAs(home.resolve("cache/top_loras_text-to-image-synthesis.json"));
        try (var files = Files.list(export)) {
            assertThat(files).hasSize(1); // the temp name is gone
        }
    }

    @Test
    void should_serve_the_users_rest_endpoint_beside_the_api() throws Exception {
        install("rest-endpoint.camel.yaml");
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(okJson(Listings.page(3, loras("a", 3, 100)))));
        Stubs.Served served = Stubs.serve(home, Map.of("modelscope.base-url", "http://127.0.0.1:" + wm.port()));
        try (TopLorasRuntime rt = served.runtime()) {
            refresh(rt, "t", 5);
            HttpResponse<String> ids = served.http().get("/api/custom/top-ids?task=t");
            assertThat(ids.statusCode()).as(ids.body()).isEqualTo(200);
            assertThat(JSON.readTree(ids.body()).toString()).isEqualTo("[\"a/m0\",\"a/m1\",\"a/m2\"]");
            assertThat(served.http().get("/api/custom/top-ids?task=nope").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void should_call_the_listing_once_per_page_when_the_base_url_ends_with_a_slash() throws Exception {
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(okJson(Listings.page(1, loras("a", 1, 100)))));
        try (TopLorasRuntime rt = TopLorasRuntime.start(new Home(home), Map.of("modelscope.base-url",
                "http://127.0.0.1:" + wm.port() + "/"), Optional::empty, Clock.systemUTC())) {
            refresh(rt, "t", 5);
        }
        assertThat(listingCalls()).hasSize(1);
    }

    @Test
    void should_stop_a_runaway_paging_loop_at_max_pages_whatever_the_route_says() throws Exception {
        String bundled = Files.readString(Path.of("routes/catalog.camel.yaml"));
        String runaway = bundled.replaceFirst("simple: \"\\$\\{variable.lastPage} == false[^\"]*\"", "simple: \"true\"")
                .replace("\"${variable.pageNumber}++\"", "\"1\""); // and always page 1, as in issue 10
        assertThat(runaway).isNotEqualTo(bundled).contains("simple: \"true\"");
        Files.createDirectories(home.resolve("routes"));
        Files.writeString(home.resolve("routes/catalog.camel.yaml"), runaway);
        wm.stubFor(put(urlEqualTo(LISTING)).willReturn(okJson(Listings.page(10_000, loras("a", 2, 100)))));
        Files.createDirectories(home.resolve("cache"));
        Files.writeString(home.resolve("cache/top_loras_t.json"), "{\"previous\": true}");

        try (TopLorasRuntime rt = start(Map.of("catalog.max-pages", "3"))) {
            assertThatThrownBy(() -> refresh(rt, "t", 1000)).isInstanceOf(ListingBoundException.class)
                    .hasMessageContaining("catalog.max-pages (3)");
        }
        assertThat(listingCalls()).hasSize(3);
        assertThat(Files.readString(home.resolve("cache/top_loras_t.json"))).isEqualTo("{\"previous\": true}");
    }
}
