package dev.toploras.web;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.CatalogFixture;
import dev.toploras.support.StartupRefreshSetting;
import dev.toploras.support.Stubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up refresh leaves a fresh cache alone: no request, no run (the TTL applies as for the cron). */
class StartupRefreshTest {
    static WireMockServer wm;

    @BeforeAll
    static void lift() {
        StartupRefreshSetting.lift();
        wm = Stubs.wireMock();
    }

    @AfterAll
    static void restore() {
        wm.stop();
        StartupRefreshSetting.putBack();
    }

    @Test
    void should_not_refetch_a_fresh_cache_when_serve_starts(@TempDir Path home) throws Exception {
        CatalogFixture.write(home, 3, 0);
        String before = Files.readString(home.resolve("cache/top_loras_" + CatalogFixture.TASK + ".json"));

        Stubs.Served served = Stubs.serve(home, Map.of("catalog.refresh-on-start", "true",
                "catalog.refresh-on-start-delay", "1000", "catalog.limit", "3",
                "modelscope.base-url", "http://localhost:" + wm.port()));
        try (var runtime = served.runtime()) {
            NotifyBuilder started = new NotifyBuilder(runtime.context())
                    .fromRoute("schedules-catalog-refresh-on-start").whenCompleted(1).create();
            assertThat(started.matches(20, TimeUnit.SECONDS)).as("the start-up route ran").isTrue();
        }

        assertThat(wm.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(Files.readString(home.resolve("cache/top_loras_" + CatalogFixture.TASK + ".json"))).isEqualTo(before);
        assertThat(home.resolve("cache/runs")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }
}
