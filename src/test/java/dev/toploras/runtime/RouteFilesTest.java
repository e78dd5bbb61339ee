package dev.toploras.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteFilesTest {
    @Test
    void should_bundle_exactly_the_files_of_the_routes_folder() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".camel.yaml")))
                    .containsExactlyInAnyOrderElementsOf(RouteFiles.BUNDLED);
        }
    }

    @Test
    void should_load_every_bundled_route_with_an_explicit_id(@TempDir Path home) throws Exception {
        try (TopLorasRuntime rt = TopLorasRuntime.start(new Home(home), Map.of("runtime.serve", "true",
                "server.port", String.valueOf(dev.toploras.support.Http.freePort())))) {
            assertThat(rt.context().getRoutes()).extracting(Route::getRouteId)
                    .contains("catalog-refresh", "catalog-fetch-page", "catalog-write", "covers-download",
                            "schedules-catalog-refresh", "api-models");
            // every route of ours is named; only the OpenAPI document's route is Camel's own
            assertThat(rt.context().getRoutes())
                    .filteredOn(r -> !r.getEndpoint().getEndpointUri().contains("openapi"))
                    .extracting(Route::getRouteId)
                    .allMatch(id -> id.matches("[a-z][a-z0-9]*(-[a-z0-9]+)+"), "kebab-case <flow>-<verb>");
        }
        try (TopLorasRuntime rt = TopLorasRuntime.start(new Home(home), Map.of())) {
            // one-shot commands load neither the schedule nor the HTTP API
            assertThat(rt.context().getRoutes()).extracting(Route::getRouteId)
                    .contains("catalog-refresh").doesNotContain("schedules-catalog-refresh", "api-models");
        }
    }

    @Test
    void should_add_extra_user_route_files_and_prefer_user_files_by_name(@TempDir Path dir) throws Exception {
        Home home = new Home(dir);
        Files.createDirectories(home.routes());
        Files.writeString(home.routes().resolve("my-flow.camel.yaml"), "- route: {id: my-flow, from: {uri: direct:mine, steps: [{log: hi}]}}\n");
        Files.writeString(home.routes().resolve("covers.camel.yaml"), "# mine\n");

        assertThat(RouteFiles.locations(home))
                .contains("classpath:routes/catalog.camel.yaml")
                .contains("file:" + home.routes().resolve("covers.camel.yaml"))
                .contains("file:" + home.routes().resolve("my-flow.camel.yaml"))
                .doesNotContain("classpath:routes/covers.camel.yaml");
    }

    @Test
    void should_refuse_in_one_line_a_user_copy_of_a_flow_from_before_it_carried_values(@TempDir Path dir)
            throws Exception {
        Home home = new Home(dir);
        Files.createDirectories(home.routes());
        Path catalog = home.routes().resolve("catalog.camel.yaml");
        Files.writeString(catalog, "- route:\n    id: catalog-refresh\n    from:\n      uri: direct:catalog-refresh\n"
                + "      steps:\n        - log: \"${variable.run.task}: refreshing\"\n");

        assertThatThrownBy(() -> RouteFiles.locations(home))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(catalog.toString())
                .hasMessageContaining("${variable.run.")
                .hasMessageContaining("copy the bundled catalog.camel.yaml");

        Files.writeString(catalog, "- route: {id: catalog-mine, from: {uri: direct:x, steps: [{log: \"${variable.runId}\"}]}}\n");
        Files.writeString(home.routes().resolve("covers.camel.yaml"), "# aggregationStrategy: \"#coverOutcome\"\n");
        assertThatThrownBy(() -> RouteFiles.locations(home)).hasMessageContaining("#coverOutcome");
        Files.delete(home.routes().resolve("covers.camel.yaml"));
        assertThat(RouteFiles.locations(home)).contains("file:" + catalog);
    }

    @Test
    void should_refuse_a_user_copy_of_a_generation_or_local_flow_whose_bean_calls_took_more_than_three_arguments(
            @TempDir Path dir) throws Exception {
        Home home = new Home(dir);
        Files.createDirectories(home.routes());
        // one step of each call shape this release retired, as the previous release's files spelled them
        Map<String, String> retired = Map.of(
                "method: \"submitted(${variable.jobId}, ${variable.remoteTaskId}, ${variable.submitRetries}, "
                        + "${variable.submitStart})\"", "generation.camel.yaml",
                "method: \"polling(${variable.jobId}, ${variable.remoteTaskId}, ${variable.pollDeadline}, "
                        + "${variable.polls})\"", "generation.camel.yaml",
                "method: \"storeDownloaded(${variable.jobId}, ${variable.imageIndex}, ${body}, ${variable.imageUrl})\"",
                "generation.camel.yaml",
                "method: \"storeRendered(${variable.jobId}, ${body}, ${variable.localBackend}, ${variable.localNotes}, "
                        + "${variable.localSteps}, ${variable.localMeta}, '{{local:backend}}', ${variable.localStart})\"",
                "generation.camel.yaml",
                "method: \"image(${body}, ${header.CamelHttpResponseCode}, ${variable.localJob}, ${variable.comfyImage})\"",
                "local-comfyui.camel.yaml",
                "method: \"images(${body}, ${header.CamelHttpResponseCode}, '{{local.url}}', ${variable.localJob})\"",
                "local-openai.camel.yaml",
                "method: \"receive(${variable.jobId}, ${variable.loraModelId}, ${variable.loraModelFile}, "
                        + "${header.CamelHttpResponseCode}, ${variable.loraOffset}, ${body})\"", "local-loras.camel.yaml",
                "- bean: {ref: jobsApi, method: accept}", "api.camel.yaml",
                "- bean: {ref: jobsApi, method: accepted}", "api.camel.yaml",
                "- bean: {ref: batchApi, method: start}", "api.camel.yaml");
        for (Map.Entry<String, String> old : retired.entrySet()) {
            Path copy = home.routes().resolve(old.getValue());
            Files.writeString(copy, "# an older release's step\n        " + old.getKey() + "\n");
            assertThatThrownBy(() -> RouteFiles.locations(home)).as(old.getKey())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(copy.toString())
                    .hasMessageContaining("copy the bundled " + old.getValue());
            Files.delete(copy);
        }
        assertThat(RouteFiles.locations(home)).isNotEmpty();
    }

    @Test
    void should_find_nothing_retired_in_the_bundled_flows_and_the_examples() throws Exception {
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("routes")), Files.walk(Path.of("examples")))) {
            files.filter(p -> p.toString().endsWith(".camel.yaml")).forEach(p -> {
                String text = readString(p);
                RouteFiles.RETIRED.keySet().forEach(marker -> assertThat(marker.matcher(text).find())
                        .as(p + " names " + marker).isFalse());
            });
        }
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
