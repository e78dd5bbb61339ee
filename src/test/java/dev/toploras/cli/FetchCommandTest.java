package dev.toploras.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.ConsoleCapture;
import dev.toploras.support.Stubs;
import dev.toploras.support.Images;
import dev.toploras.support.Listings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `top-loras fetch` as a user runs it: flags in, files and one clear line out, documented exit codes. */
class FetchCommandTest {
    static WireMockServer wm;
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path home;

    @BeforeAll
    static void startStub() {
        wm = Stubs.wireMock();
    }

    @AfterAll
    static void stopStub() {
        wm.stop();
    }

    @BeforeEach
    void reset() {
        wm.resetAll();
    }

    int fetch(String... extra) {
        List<String> args = new ArrayList<>(List.of("--home", home.toString(), "--set", "retries.initial-delay=10",
                "fetch", "--task", "text-to-image-synthesis", "--base-url", "http://localhost:" + wm.port()));
        args.addAll(List.of(extra));
        return TopLorasCommand.run(args.toArray(String[]::new));
    }

    String stdout() {
        return console.stdout();
    }

    String stderr() {
        return console.stderr();
    }

    Path cacheFile() {
        return home.resolve("cache/top_loras_text-to-image-synthesis.json");
    }

    void stubTwoLoras() {
        String cover = "http://localhost:" + wm.port() + "/cover-images/";
        wm.stubFor(put(urlPathMatching("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(2, List.of(
                Listings.lora("alice", "glow", 900, cover + "a.png"), Listings.lora("bob", "ink", 50, cover + "b.png"))))));
        wm.stubFor(get(urlPathMatching("/cover-images/.*")).willReturn(aResponse()
                .withHeader("Content-Type", "image/png").withBody(Images.png(8, 8))));
    }

    @Test
    void should_write_the_cache_and_covers_and_print_a_summary() throws Exception {
        stubTwoLoras();

        int code = fetch("--limit", "20", "--force-refresh");

        assertThat(code).as(stderr()).isEqualTo(ExitCode.OK);
        assertThat(cacheFile()).exists();
        try (var files = Files.list(home.resolve("cache/images/text-to-image-synthesis"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".png"))).hasSize(2);
        }
        assertThat(stdout()).contains("alice/glow", "bob/ink", "cache/top_loras_text-to-image-synthesis.json: 2 LoRAs");
    }

    @Test
    void should_say_when_the_listing_has_fewer_loras_than_the_limit_asked() {
        stubTwoLoras();

        assertThat(fetch("--limit", "1000000", "--force-refresh")).as(stderr()).isEqualTo(ExitCode.OK);

        assertThat(stdout()).contains("2 LoRAs, fewer than the 1000000 asked for: that is all the listing returned");
    }

    @Test
    void should_read_a_fresh_cache_without_any_request() {
        stubTwoLoras();
        assertThat(fetch("--force-refresh")).isZero();
        int requests = wm.getAllServeEvents().size();

        assertThat(fetch()).isZero();

        assertThat(wm.getAllServeEvents()).hasSize(requests);
        assertThat(stdout()).contains("from the cache");
    }

    void stubTwentyLoras() {
        List<com.fasterxml.jackson.databind.node.ObjectNode> records = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            records.add(Listings.lora("owner" + i, "lora" + i, 10_000 - i * 10, null)
                    .put("Stars", i)); // likes order is the reverse of downloads order
        }
        wm.stubFor(put(urlPathMatching("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(20, records))));
    }

    @Test
    void should_answer_the_top_10_from_a_fresh_cache_of_20() {
        stubTwentyLoras();
        assertThat(fetch("--limit", "20", "--force-refresh")).isZero();
        int requests = wm.getAllServeEvents().size();

        assertThat(fetch("--limit", "10")).isZero();

        assertThat(wm.getAllServeEvents()).hasSize(requests);
        String out = stdout().substring(stdout().lastIndexOf("#    LoRA"));
        assertThat(out).contains("owner10/lora10", ": 10 LoRAs from the cache").doesNotContain("owner11/lora11");
    }

    @Test
    void should_keep_one_cache_and_one_history_per_sort_when_fetch_asks_for_another_order() throws Exception {
        stubTwentyLoras();
        assertThat(fetch("--limit", "5", "--force-refresh")).isZero();
        String configured = Files.readString(cacheFile());

        assertThat(fetch("--limit", "5", "--sort", "likes", "--force-refresh")).isZero();

        assertThat(Files.readString(cacheFile())).isEqualTo(configured).contains("\"sort\" : \"downloads\"");
        Path likes = home.resolve("cache/top_loras_text-to-image-synthesis.likes.json");
        assertThat(Files.readString(likes)).contains("\"sort\" : \"likes\"", "owner20/lora20");
        try (var plain = Files.list(home.resolve("cache/history/text-to-image-synthesis"));
             var byLikes = Files.list(home.resolve("cache/history/text-to-image-synthesis.likes"))) {
            assertThat(plain.filter(p -> !p.getFileName().toString().equals("index.json"))).hasSize(1);
            assertThat(byLikes.filter(p -> !p.getFileName().toString().equals("index.json"))).hasSize(1);
        }
    }

    @Test
    void should_exit_3_in_one_line_and_keep_the_cache_when_modelscope_is_down() throws Exception {
        Files.createDirectories(cacheFile().getParent());
        Files.writeString(cacheFile(), "previous");
        wm.stubFor(put(urlPathMatching("/api/v1/dolphin/models")).willReturn(aResponse().withStatus(503)));

        int code = fetch("--force-refresh");

        assertThat(code).isEqualTo(ExitCode.UPSTREAM_UNAVAILABLE);
        List<String> lines = stderr().lines().filter(l -> l.startsWith("top-loras:")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("HTTP 503", "previous cache", "MODELSCOPE_BASE_URL=http://host:port");
        assertThat(stderr()).doesNotContain("\tat ");
        assertThat(Files.readString(cacheFile())).isEqualTo("previous");
    }

    @Test
    void should_exit_4_when_modelscope_answers_with_an_error_envelope() {
        wm.stubFor(put(urlPathMatching("/api/v1/dolphin/models")).willReturn(okJson(Listings.failure())));

        assertThat(fetch("--force-refresh")).isEqualTo(ExitCode.UPSTREAM_REJECTED);
        assertThat(stderr()).contains("Success:false");
    }

    @Test
    void should_exit_6_and_say_what_to_fix_for_bad_configuration() {
        List<String> args = List.of("--home", home.toString(), "--set", "catalog.refresh-cron=0 */6 * * *", "fetch");
        assertThat(TopLorasCommand.run(args.toArray(String[]::new))).isEqualTo(ExitCode.CONFIG);
        assertThat(stderr()).contains("catalog.refresh-cron", "6 or 7 fields", "'0 0 */6 * * ?'");

        assertThat(TopLorasCommand.run("--home", home.toString(), "--set", "covers.concurrency=0", "fetch"))
                .isEqualTo(ExitCode.CONFIG);
        assertThat(stderr()).contains("covers.concurrency must be at least 1");

        assertThat(fetch("--sort", "popular")).isEqualTo(ExitCode.USAGE);
        assertThat(stderr()).contains("unknown sort 'popular'");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void should_name_file_and_line_when_a_user_route_file_is_broken() throws Exception {
        Files.createDirectories(home.resolve("routes"));
        Files.writeString(home.resolve("routes/catalog.camel.yaml"), "- route:\n    id: x\n    from:\n      uri: [oops\n");

        int code = fetch();

        assertThat(code).isEqualTo(ExitCode.CONFIG);
        assertThat(stderr()).contains("catalog.camel.yaml").containsPattern("line \\d+");
    }

    @Test
    void should_run_a_user_route_file_instead_of_the_bundled_one() throws Exception {
        stubTwoLoras();
        Files.createDirectories(home.resolve("routes"));
        // A user who wants no covers replaces the covers flow by name.
        Files.writeString(home.resolve("routes/covers.camel.yaml"), """
                - route:
                    id: covers-download
                    from:
                      uri: direct:covers-download
                      steps:
                        - log: "covers skipped by the user's route"
                """);

        assertThat(fetch("--force-refresh")).as(stderr()).isZero();

        assertThat(wm.findAll(getRequestedFor(anyUrl()))).isEmpty();
        assertThat(wm.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
        assertThat(Files.readString(cacheFile())).contains("\"cover_local\" : null");
    }
}
