package dev.toploras.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.catalog.CatalogBeans;
import dev.toploras.core.Home;
import dev.toploras.local.LocalBeans;
import dev.toploras.support.RouteTestSupport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

/**
 * The bundled routes/local-preview.camel.yaml (the default local backend) inside the real generation-steps route
 * configuration: a job Map in, one labelled placeholder PNG out at the requested size.
 */
class LocalPreviewRouteTest extends RouteTestSupport {
    @Override
    protected List<String> flows() {
        return List.of("generation.camel.yaml", "local-preview.camel.yaml");
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CatalogBeans(Optional::empty), new GenerationBeans(Optional::empty), new LocalBeans());
    }

    static Map<String, Object> job(String prompt, int width, int height) {
        return Map.of("job_id", "j-1", "task", "text-to-image-synthesis", "model_id", "Qwen/Qwen-Image",
                "loras", Map.of(), "params", Map.of("prompt", prompt, "size", width + "x" + height, "seed", 7,
                        "width", width, "height", height));
    }

    @SuppressWarnings("unchecked")
    private List<RenderedImage> render(Map<String, Object> job, String[] backend) {
        Exchange out = template.send("direct:local-preview", e -> e.getMessage().setBody(job));
        if (out.getException() != null) {
            throw new CamelExecutionException("preview failed", out, out.getException());
        }
        backend[0] = out.getVariable("localBackend", String.class);
        return out.getMessage().getBody(List.class);
    }

    @Test
    void should_render_one_png_at_the_requested_size_and_name_the_preview_backend() throws Exception {
        String[] backend = new String[1];

        List<RenderedImage> images = render(job("a red kite", 64, 48), backend);

        assertThat(images).singleElement().satisfies(i -> {
            assertThat(i.mime()).isEqualTo("image/png");
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(i.bytes()));
            assertThat(png.getWidth()).isEqualTo(64);
            assertThat(png.getHeight()).isEqualTo(48);
        });
        assertThat(backend[0]).isEqualTo("local-preview");
    }

    @Test
    void should_draw_the_same_bytes_for_the_same_job_and_other_bytes_for_another_prompt() {
        String[] backend = new String[1];

        byte[] first = render(job("a red kite", 32, 32), backend).get(0).bytes();
        byte[] again = render(job("a red kite", 32, 32), backend).get(0).bytes();
        byte[] other = render(job("a blue boat", 32, 32), backend).get(0).bytes();

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void should_fail_the_step_when_the_job_has_no_params() {
        assertThatThrownBy(() -> render(Map.of("job_id", "j-2", "task", "text-to-image-synthesis"), new String[1]))
                .isInstanceOf(CamelExecutionException.class);
    }
}
