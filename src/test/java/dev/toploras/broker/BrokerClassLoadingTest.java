package dev.toploras.broker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.AppProcess;
import dev.toploras.support.Http;
import dev.toploras.support.Listings;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no broker configured nothing changes: `fetch` and a plain `serve` load no Artemis (or broker) class. Each
 * runs as its own JVM with -verbose:class, since this test JVM has loaded Artemis for the other broker tests.
 */
class BrokerClassLoadingTest {
    @TempDir
    Path home;

    private static List<String> java(Path home, Path log, String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        return AppProcess.java(List.of("-verbose:class", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m"),
                all.toArray(String[]::new));
    }

    private static List<String> brokerClasses(Path log) throws Exception {
        return Files.readAllLines(log).stream()
                .filter(l -> l.contains("org.apache.activemq") || l.contains("dev.toploras.broker")
                        || l.contains("jakarta.jms"))
                .toList();
    }

    @Test
    void should_load_no_artemis_class_when_fetch_runs_without_a_broker() throws Exception {
        WireMockServer wm = Stubs.wireMock();
        try {
            String cover = wm.baseUrl() + "/cover-images/";
            wm.stubFor(put(urlPathMatching("/api/v1/dolphin/models")).willReturn(okJson(Listings.page(1, List.of(
                    Listings.lora("alice", "glow", 900, cover + "a.png"))))));
            wm.stubFor(get(urlPathMatching("/cover-images/.*")).willReturn(aResponse().withStatus(404)));
            Path log = home.resolve("fetch.log");
            Process p = new ProcessBuilder(java(home, log, "fetch", "--base-url", wm.baseUrl(), "--force-refresh"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(log)).isZero();
            assertThat(Files.readString(log)).contains("dev.toploras.catalog.CatalogSteps");
            assertThat(brokerClasses(log)).isEmpty();
        } finally {
            wm.stop();
        }
    }

    @Test
    void should_load_no_artemis_class_when_serve_runs_without_a_broker() throws Exception {
        int port = Http.freePort();
        Path log = home.resolve("serve.log");
        Process p = new ProcessBuilder(java(home, log, "--set", "server.port=" + port, "serve"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Http http = new Http(port);
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                    .until(() -> http.get("/api/health").statusCode() == 200);
            assertThat(Files.readString(log)).contains("dev.toploras.generation.JobClaims");
            assertThat(brokerClasses(log)).isEmpty();
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
