package dev.toploras.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.catalog.CatalogRequest;
import dev.toploras.catalog.CatalogResult;
import dev.toploras.catalog.CatalogSort;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.ConsoleCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answer `fetch` gives from a fresh cache before Camel starts: it must be exactly the route's (same rule, same
 * configuration sources) and must step aside whenever the route could answer differently.
 */
class CachedFetchTest {
    static final String TASK = CatalogFixture.TASK;

    @TempDir
    Path home;
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    Optional<List<CatalogResult>> answer(Map<String, String> overrides, int limit) {
        return CachedFetch.answer(new Home(home), overrides, List.of(TASK),
                task -> CatalogRequest.of(task).withLimit(limit));
    }

    @Test
    void should_answer_from_the_cache_when_it_is_fresh_and_home_has_no_route_files() {
        CatalogFixture.write(home, 5, 30);

        Optional<List<CatalogResult>> answer = answer(Map.of(), 5);

        assertThat(answer).isPresent();
        CatalogResult r = answer.get().get(0);
        assertThat(r.fromCache()).isTrue();
        assertThat(r.task()).isEqualTo(TASK);
        assertThat(r.document().results()).hasSize(5);
        assertThat(r.cacheFile()).isEqualTo(home.resolve("cache/top_loras_" + TASK + ".json").toAbsolutePath());
    }

    @Test
    void should_leave_a_stale_cache_to_the_route() {
        CatalogFixture.write(home, 5, 3600);

        assertThat(answer(Map.of(), 5)).isEmpty();
    }

    @Test
    void should_leave_a_bigger_leaderboard_than_cached_to_the_route() {
        CatalogFixture.write(home, 5, 30);

        assertThat(answer(Map.of(), 6)).isEmpty();
    }

    @Test
    void should_read_the_ttl_from_overrides_and_the_home_properties_as_the_runtime_does() throws Exception {
        CatalogFixture.write(home, 5, 1200); // 20 minutes old: stale for the bundled 10m

        assertThat(answer(Map.of(), 5)).as("bundled catalog.ttl=10m").isEmpty();
        Files.writeString(home.resolve("application.properties"), "catalog.ttl=1h\n");
        assertThat(answer(Map.of(), 5)).as("<home>/application.properties").isPresent();
        assertThat(answer(Map.of("catalog.ttl", "5m"), 5)).as("--set / --ttl override").isEmpty();
    }

    @Test
    void should_leave_the_answer_to_the_route_when_the_user_has_route_files() throws Exception {
        CatalogFixture.write(home, 5, 30);
        Files.createDirectories(home.resolve("routes"));
        Files.writeString(home.resolve("routes/catalog.camel.yaml"), "- route:\n    id: mine\n");

        assertThat(answer(Map.of(), 5)).isEmpty();
    }

    @Test
    void should_leave_an_unreadable_cache_to_the_route_without_a_warning_of_its_own() throws Exception {
        Files.createDirectories(home.resolve("cache"));
        Files.writeString(home.resolve("cache/top_loras_" + TASK + ".json"), "{\"_cached_at\": \"half");

        assertThat(answer(Map.of(), 5)).isEmpty();
        assertThat(console.stderr()).doesNotContain("unreadable");
    }

    @Test
    void should_leave_bad_configuration_to_the_route_which_reports_it() {
        CatalogFixture.write(home, 5, 30);

        assertThat(answer(Map.of("catalog.ttl", "soon"), 5)).isEmpty();
    }

    @Test
    void should_answer_exactly_as_the_catalog_route_does_for_each_request() throws Exception {
        CatalogFixture.write(home, 5, 30);
        // ModelScope unreachable and no retries: a request the route does not answer from the cache fails at once.
        Map<String, String> overrides = Map.of("modelscope.base-url", "http://127.0.0.1:1", "retries.max", "0");
        List<CatalogRequest> requests = List.of(CatalogRequest.of(TASK).withLimit(5), CatalogRequest.of(TASK).withLimit(3),
                CatalogRequest.of(TASK).withLimit(6), new CatalogRequest(TASK, 5, CatalogSort.LIKES, false, null, null, null, false, null),
                CatalogRequest.of(TASK).withLimit(5).forced());
        try (TopLorasRuntime runtime = TopLorasRuntime.start(new Home(home), overrides)) {
            for (CatalogRequest req : requests) {
                Optional<List<CatalogResult>> fast = req.forceRefresh() ? Optional.empty()
                        : CachedFetch.answer(new Home(home), overrides, List.of(TASK), task -> req);
                if (fast.isPresent()) {
                    CatalogResult route = runtime.template().requestBody("direct:catalog-refresh", req,
                            CatalogResult.class);
                    CatalogResult mine = fast.get().get(0);
                    assertThat(route.fromCache()).as("route served %s from the cache", req).isTrue();
                    assertThat(mine.cacheFile()).isEqualTo(route.cacheFile());
                    assertThat(ids(mine)).as("records for %s", req).isEqualTo(ids(route));
                } else {
                    assertThatThrownBy(() -> runtime.template().requestBody("direct:catalog-refresh", req))
                            .as("the route asks ModelScope for %s too", req).isNotNull();
                }
            }
        }
    }

    static List<String> ids(CatalogResult r) {
        return r.document().results().stream().map(LoraRecord::id).toList();
    }
}
