package dev.toploras.generation;

import static dev.toploras.generation.GenerationHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.support.GenerationRouteTestSupport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * generation.camel.yaml's routing without MODELSCOPE_API_TOKEN, on the route-test layer: auto jobs render on the
 * local preview with a note, remote jobs fail. LocalOnlyTest keeps the CLI's submit, status and cancel.
 */
class LocalOnlyRouteTest extends GenerationRouteTestSupport {
    @Override
    protected List<String> flows() {
        return GenerationHarness.PREVIEW_FLOWS;
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("modelscope.inference-url", "http://127.0.0.1:9");
    }

    @Test
    void should_render_a_labelled_local_preview_when_there_is_no_token() throws Exception {
        JsonNode doc = run(job("notoken-1", "a golden cat", "auto").toString());

        assertThat(doc.path("status").asText()).as(doc.toString()).isEqualTo("succeeded");
        assertThat(doc.at("/meta/backend").asText()).isEqualTo("local-preview");
        assertThat(doc.at("/meta/notes/0/code").asText()).isEqualTo("FALLBACK_LOCAL");
        assertThat(doc.at("/meta/notes/0/details/reason").asText()).isEqualTo("no_token");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(resultFile(doc)));
        assertThat(png.getWidth()).isEqualTo(128);
        assertThat(png.getHeight()).isEqualTo(96);
    }

    @Test
    void should_render_the_same_bytes_for_the_same_parameters() throws Exception {
        JsonNode a = run(job("same-1", "same prompt", "local").toString());
        JsonNode b = run(job("same-2", "same prompt", "local").toString());

        assertThat(a.path("status").asText()).isEqualTo("succeeded");
        assertThat(b.path("status").asText()).isEqualTo("succeeded");
        assertThat(resultFile(a)).isEqualTo(resultFile(b));
    }

    @Test
    void should_fail_a_remote_only_job_without_a_token() {
        JsonNode doc = run(job("remote-1", "x", "remote").toString());

        assertThat(doc.path("status").asText()).isEqualTo("failed");
        assertThat(doc.at("/error/code").asText()).isEqualTo("unauthorized");
        assertThat(doc.at("/error/message").asText()).contains("MODELSCOPE_API_TOKEN");
    }
}
