package dev.toploras.inputs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.jobs.InputImage;
import dev.toploras.jobs.InvalidJobRequestException;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * URL inputs over real HTTP (WireMock on 127.0.0.1): this server's own network is off limits unless
 * inputs.allow-private-urls says so, and a fetch has one byte cap and one deadline whatever the server does.
 */
class InputUrlFetchTest {
    @TempDir
    Path dir;
    WireMockServer images;

    @BeforeEach
    void start() {
        images = Stubs.wireMock();
    }

    @AfterEach
    void stop() {
        images.stop();
    }

    InputResolver resolver(boolean allowPrivate, long maxBytes, Duration timeout) {
        InputSettings settings = new InputSettings(maxBytes, 1_000_000, timeout, "", false, allowPrivate);
        return new InputResolver(new InputStore(dir, settings), settings);
    }

    void stubPng(String path, byte[] png) {
        images.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(png)));
    }

    @Test
    void should_refuse_a_loopback_url_by_default_without_asking_it() {
        stubPng("/in/a.png", Images.png(8, 8));
        assertThatThrownBy(() -> resolver(false, 100_000, Duration.ofSeconds(5))
                .resolve(List.of(images.baseUrl() + "/in/a.png"), null))
                .isInstanceOf(InvalidJobRequestException.class)
                .hasMessageContaining("loopback").hasMessageContaining("127.0.0.1")
                .hasMessageContaining("inputs.allow-private-urls=true")
                .satisfies(e -> assertThat(((InvalidJobRequestException) e).problem().details()).containsEntry("field",
                        "images[0]"));
        assertThat(images.getAllServeEvents()).isEmpty();
    }

    @Test
    void should_fetch_a_loopback_url_when_private_urls_are_allowed() {
        byte[] png = Images.png(12, 10);
        stubPng("/in/a.png", png);
        List<InputImage> got = resolver(true, 100_000, Duration.ofSeconds(5))
                .resolve(List.of(images.baseUrl() + "/in/a.png"), null);
        assertThat(got).singleElement().satisfies(i -> {
            assertThat(i.width()).isEqualTo(12);
            assertThat(i.source()).isEqualTo(images.baseUrl() + "/in/a.png");
        });
        assertThat(images.getAllServeEvents()).hasSize(1);
    }

    @Test
    void should_recheck_the_address_of_every_redirect_hop() {
        // a same-host redirect to a name of the same machine: allowed here only to reach the second hop
        images.stubFor(get(urlEqualTo("/in/hop.png")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "/in/a.png")));
        stubPng("/in/a.png", Images.png(8, 8));
        assertThat(resolver(true, 100_000, Duration.ofSeconds(5))
                .resolve(List.of(images.baseUrl() + "/in/hop.png"), null)).hasSize(1);
        assertThatThrownBy(() -> resolver(false, 100_000, Duration.ofSeconds(5))
                .resolve(List.of(images.baseUrl() + "/in/hop.png"), null))
                .hasMessageContaining("inputs.allow-private-urls");
    }

    @Test
    void should_name_each_kind_of_private_or_local_address() throws Exception {
        assertThat(PrivateAddresses.kind(InetAddress.getByName("127.0.0.2"))).isEqualTo("loopback");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("::1"))).isEqualTo("loopback");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("169.254.169.254"))).isEqualTo("link-local");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("fe80::1"))).isEqualTo("link-local");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("10.1.2.3"))).isEqualTo("private");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("172.16.0.1"))).isEqualTo("private");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("192.168.1.1"))).isEqualTo("private");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("fd00::1"))).isEqualTo("unique-local");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("224.0.0.1"))).isEqualTo("multicast");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("0.0.0.0"))).isEqualTo("unspecified");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("::"))).isEqualTo("unspecified");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("::ffff:10.0.0.1"))).as("IPv4-mapped")
                .isEqualTo("private");
        assertThat(PrivateAddresses.kind(InetAddress.getByName("93.184.215.14"))).isNull();
        assertThat(PrivateAddresses.kind(InetAddress.getByName("2606:4700::1111"))).isNull();
    }

    @Test
    void should_stop_reading_a_body_past_the_byte_cap() {
        images.stubFor(get(urlEqualTo("/in/big.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(new byte[50_000]).withChunkedDribbleDelay(5, 50)));
        assertThatThrownBy(() -> resolver(true, 1_000, Duration.ofSeconds(5))
                .resolve(List.of(images.baseUrl() + "/in/big.png"), null))
                .hasMessageContaining("over inputs.max-bytes (1000)");
    }

    @Test
    void should_give_up_on_a_stalled_body_at_the_deadline() {
        // headers at once, then the body trickles for 20 s: the one deadline covers the body too
        images.stubFor(get(urlEqualTo("/in/slow.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(Images.png(8, 8))
                .withChunkedDribbleDelay(20, 20_000)));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> resolver(true, 100_000, Duration.ofMillis(800))
                .resolve(List.of(images.baseUrl() + "/in/slow.png"), null))
                .hasMessageContaining("inputs.url-timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
}
