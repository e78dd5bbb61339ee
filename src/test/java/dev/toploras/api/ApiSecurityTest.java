package dev.toploras.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.core.Home;
import dev.toploras.runtime.TopLorasRuntime;
import dev.toploras.support.Http;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSecurityTest {
    @TempDir
    Path home;

    @Test
    void should_refuse_to_start_on_a_public_address_without_an_api_key() {
        assertThatThrownBy(() -> TopLorasRuntime.start(new Home(home), Map.of("runtime.serve", "true",
                "server.host", "0.0.0.0", "server.port", String.valueOf(Http.freePort()))))
                .hasMessageContaining("0.0.0.0").hasMessageContaining("api.key");
    }

    @Test
    void should_refuse_to_start_when_camel_server_host_exposes_the_api_without_a_key() {
        int port = Http.freePort();
        assertThatThrownBy(() -> TopLorasRuntime.start(new Home(home), Map.of("runtime.serve", "true",
                "camel.server.host", "0.0.0.0", "server.port", String.valueOf(port))))
                .hasMessageContaining("0.0.0.0").hasMessageContaining("api.key");
        try (java.net.ServerSocket again = new java.net.ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        } catch (java.io.IOException e) {
            throw new AssertionError("port " + port + " is still held after the refused start", e);
        }
    }

    @Test
    void should_fail_to_start_naming_the_port_when_another_program_holds_it() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> TopLorasRuntime.start(new Home(home), Map.of("runtime.serve", "true",
                    "server.port", String.valueOf(port))))
                    .hasMessageContaining("port " + port).hasMessageContaining("in use");
        }
    }

    @Test
    void should_require_the_key_on_every_api_and_asset_path_when_one_is_set() throws Exception {
        int port = Http.freePort();
        try (TopLorasRuntime rt = TopLorasRuntime.start(new Home(home), Map.of("runtime.serve", "true",
                "server.host", "0.0.0.0", "server.port", String.valueOf(port), "api.key", "k-123"))) {
            Http http = new Http(port);
            for (String path : new String[] {"/api/health", "/api/v1/models", "/assets/covers/x.png", "/api/metrics"}) {
                HttpResponse<String> r = http.get(path);
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(r.body()).contains("\"code\":\"unauthorized\"");
            }
            HttpResponse<String> wrong = http.get("/api/health", "Authorization", "Bearer wrong");
            assertThat(wrong.statusCode()).isEqualTo(401);
            // a wrong key and a missing one are told apart (and the key is never echoed)
            assertThat(wrong.body()).contains("is not this runtime's api.key").doesNotContain("wrong", "k-123");
            assertThat(http.get("/api/health").body()).contains("needs its API key");
            assertThat(http.get("/api/health", "Authorization", "Bearer k-123").statusCode()).isEqualTo(200);
            assertThat(http.get("/api/health", "X-API-Key", "k-123").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void should_treat_loopback_names_as_private() {
        assertThat(HttpEdge.isLoopback("127.0.0.1")).isTrue();
        assertThat(HttpEdge.isLoopback("::1")).isTrue();
        assertThat(HttpEdge.isLoopback("localhost")).isTrue();
        assertThat(HttpEdge.isLoopback("0.0.0.0")).isFalse();
        assertThat(HttpEdge.isLoopback("example.org")).isFalse();
    }
}
