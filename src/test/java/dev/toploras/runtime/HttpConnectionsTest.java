package dev.toploras.runtime;

import dev.toploras.core.Home;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.support.Stubs;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared camel-http pool: http.timeout bounds every call; an endpoint may allow itself longer (docs/seams.md). */
class HttpConnectionsTest {
    @Test
    void should_time_out_at_http_timeout_unless_the_endpoint_sets_a_longer_response_timeout(@TempDir Path home)
            throws Exception {
        WireMockServer wm = Stubs.wireMock();
        wm.stubFor(get(urlEqualTo("/slow")).willReturn(aResponse().withBody("done").withFixedDelay(1500)));
        try (TopLorasRuntime rt = TopLorasRuntime.start(new Home(home), Map.of("http.timeout", "1s"),
                Optional::empty, Clock.systemUTC())) {
            String url = "http://127.0.0.1:" + wm.port() + "/slow";
            assertThatThrownBy(() -> rt.template().requestBody(url, (Object) null, String.class))
                    .isInstanceOf(CamelExecutionException.class).hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(rt.template().requestBody(url + "?responseTimeout=5000", (Object) null, String.class))
                    .isEqualTo("done");
        } finally {
            wm.stop();
        }
    }
}
