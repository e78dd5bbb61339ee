package dev.toploras.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's ModelScope stand-in in process, by the rules it takes from ModelScope's captured replies (its class
 * comment): what the listing, the covers and API-Inference answer. DemoTest runs it behind the whole demo.
 */
class ModelScopeStandInTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static ModelScopeStandIn standIn;

    @BeforeAll
    static void start() throws Exception {
        standIn = ModelScopeStandIn.start();
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    static HttpResponse<byte[]> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(standIn.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void should_answer_the_listing_by_put_only_with_every_cover_pointing_at_itself_and_an_empty_second_page()
            throws Exception {
        assertThat(call("GET", "/api/v1/dolphin/models", null).statusCode()).isEqualTo(404);
        JsonNode first = json(call("PUT", "/api/v1/dolphin/models", "{\"PageNumber\":1,\"PageSize\":30}"));
        JsonNode models = first.path("Data").path("Model").path("Models");
        assertThat(models.size()).isEqualTo(30);
        assertThat(first.path("Data").path("Model").path("TotalCount").asInt()).isEqualTo(30);
        String cover = models.findValues("url").stream().map(JsonNode::asText)
                .filter(u -> u.contains("/covers/")).findFirst().orElseThrow();
        assertThat(cover).startsWith(standIn.baseUrl() + "/covers/");

        HttpResponse<byte[]> png = CLIENT.send(HttpRequest.newBuilder(URI.create(cover)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(ImageIO.read(new ByteArrayInputStream(png.body())).getWidth()).isEqualTo(512);
        assertThat(call("GET", "/covers/none.png", null).statusCode()).isEqualTo(404);

        JsonNode second = json(call("PUT", "/api/v1/dolphin/models", "{\"PageNumber\":2,\"PageSize\":30}"));
        assertThat(second.path("Data").path("Model").path("Models").size()).isZero();
        assertThat(second.path("Success").asBoolean()).isTrue();
    }

    @Test
    void should_refuse_a_submit_as_modelscope_does_without_async_mode_token_or_with_loras_off_the_rule()
            throws Exception {
        String body = "{\"model\":\"Qwen/Qwen-Image\",\"prompt\":\"a cat\",\"loras\":{\"a/b\":0.5,\"c/d\":0.4}}";
        HttpResponse<byte[]> sync = call("POST", "/v1/images/generations", body, "Authorization", "Bearer t");
        assertThat(sync.statusCode()).isEqualTo(400);
        assertThat(json(sync).path("errors").path("message").asText()).contains("X-ModelScope-Async-Mode=true");

        HttpResponse<byte[]> anonymous = call("POST", "/v1/images/generations", body,
                "X-ModelScope-Async-Mode", "true");
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<byte[]> weights = call("POST", "/v1/images/generations", body,
                "X-ModelScope-Async-Mode", "true", "Authorization", "Bearer t");
        assertThat(weights.statusCode()).isEqualTo(400);
        assertThat(json(weights).path("errors").path("message").asText()).contains("sum to 1.0, got 0.9");
        assertThat(ModelScopeStandIn.lorasRefused(JSON.readTree("\"a/b\""))).isNull();
        assertThat(ModelScopeStandIn.lorasRefused(JSON.readTree(
                "{\"a\":0.1,\"b\":0.1,\"c\":0.1,\"d\":0.1,\"e\":0.1,\"f\":0.1,\"g\":0.4}"))).contains("at most 6");
    }

    @Test
    void should_take_a_task_answer_processing_then_succeed_and_draw_the_requested_size_scaled_to_a_label()
            throws Exception {
        String body = "{\"model\":\"Qwen/Qwen-Image\",\"prompt\":\"a golden cat\",\"size\":\"1664x928\","
                + "\"seed\":7,\"loras\":{\"a/b\":0.6,\"c/d\":0.4}}";
        JsonNode submitted = json(call("POST", "/v1/images/generations", body,
                "X-ModelScope-Async-Mode", "true", "Authorization", "Bearer t"));
        assertThat(submitted.path("task_status").asText()).isEqualTo("SUCCEED");
        String id = submitted.path("task_id").asText();

        assertThat(call("GET", "/v1/tasks/" + id, null).statusCode()).isEqualTo(401);
        JsonNode first = json(call("GET", "/v1/tasks/" + id, null, "Authorization", "Bearer t"));
        assertThat(first.path("task_status").asText()).isEqualTo("PROCESSING");
        JsonNode done = json(call("GET", "/v1/tasks/" + id, null, "Authorization", "Bearer t"));
        assertThat(done.path("task_status").asText()).isEqualTo("SUCCEED");
        String url = done.path("output_images").get(0).asText();
        assertThat(url).isEqualTo(standIn.baseUrl() + "/outputs/" + id + ".png");

        byte[] output = call("GET", "/outputs/" + id + ".png", null).body();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(output));
        assertThat(image.getWidth()).isEqualTo(768);
        assertThat(image.getHeight()).isEqualTo(928 * 768 / 1664);
        assertThat(call("GET", "/v1/tasks/nope", null, "Authorization", "Bearer t").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/outputs/nope.png", null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/v1/tasks/" + id, null).statusCode()).isEqualTo(404);
    }
}
