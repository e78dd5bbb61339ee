package dev.toploras.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.toploras.core.Json;
import dev.toploras.jobs.InputImage;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobParams;
import dev.toploras.jobs.JobRequest;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.InputUnreachableException;
import dev.toploras.modelscope.RequestTokens;
import dev.toploras.support.Images;
import dev.toploras.support.Stubs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How an input reaches ModelScope's image_url: a URL as given, one image as a string and several as a list; an
 * upload with neither server.public-url nor inputs.remote-data-uri fails a remote job in one line naming both and
 * sends an auto job to the local backend with a note; never a submit ModelScope could not use.
 */
class RemoteInputReachTest {
    static final ObjectMapper JSON = Json.mapper();
    static final String SHA = "a".repeat(64);

    static JobDocument job(List<InputImage> inputs) {
        JobRequest r = new JobRequest("j-1", "image-to-image", "Qwen/Qwen-Image-Edit-2509", Map.of("a/lora", 1.0),
                new JobParams("edit", null, null, null, null, 1L, null, 0.5), dev.toploras.jobs.Backend.REMOTE, null)
                .withInputs(inputs);
        return JobDocument.queued(r, Instant.EPOCH, "n");
    }

    static InputImage url(int i) {
        return new InputImage(i, SHA, "image/png", 8, 8, "https://img.example.org/" + i + ".png");
    }

    @Test
    void should_send_one_image_as_a_string_and_several_as_a_list() {
        InferenceClient client = new InferenceClient(Optional::empty, new RequestTokens());
        assertThat(client.request(job(List.of(url(0)))).get("image_url")).isEqualTo("https://img.example.org/0.png");
        assertThat(client.request(job(List.of(url(0), url(1)))).get("image_url"))
                .isEqualTo(List.of("https://img.example.org/0.png", "https://img.example.org/1.png"));
        assertThat(client.request(job(List.of()))).doesNotContainKey("image_url");
    }

    @Test
    void should_name_both_options_when_an_upload_cannot_reach_modelscope() {
        InferenceClient client = new InferenceClient(Optional::empty, new RequestTokens());
        InputImage upload = new InputImage(0, SHA, "image/png", 8, 8, "upload:" + SHA);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.request(job(List.of(upload))))
                .isInstanceOf(InputUnreachableException.class)
                .hasMessageContaining("server.public-url").hasMessageContaining("inputs.remote-data-uri");
    }

    @Test
    void should_inline_an_upload_as_a_data_uri_when_configured(@TempDir Path dir) {
        InputSettings settings = new InputSettings(100_000, 1_000_000, java.time.Duration.ofSeconds(5), "", true);
        InputStore store = new InputStore(dir, settings);
        byte[] png = Images.png(8, 8);
        InputStore.Stored s = store.put(store.check(png, "image/png"));
        InputLinks links = new InputLinks(store, settings);
        String ref = links.remoteRef(new InputImage(0, s.sha256(), s.mime(), 8, 8, "upload:" + s.sha256()))
                .orElseThrow();
        assertThat(ref).startsWith("data:image/png;base64,");
        assertThat(java.util.Base64.getDecoder().decode(ref.substring(ref.indexOf(',') + 1))).isEqualTo(png);
    }

    @Test
    void should_fail_a_remote_job_and_render_an_auto_job_locally_without_a_public_url(@TempDir Path dir)
            throws Exception {
        WireMockServer inference = Stubs.wireMock();
        Stubs.Served served = Stubs.serve(dir, Map.of("modelscope.inference-url", inference.baseUrl()));
        try {
            HttpResponse<String> up = served.http().upload(Images.png(16, 16), "image/png");
            String ref = "upload:" + JSON.readTree(up.body()).path("upload_id").asText();
            for (String backend : List.of("remote", "auto")) {
                ObjectNode j = JSON.createObjectNode();
                j.put("job_id", "reach-" + backend);
                j.put("task", "image-to-image");
                j.put("model_id", "Qwen/Qwen-Image-Edit");
                j.putArray("images").add(ref);
                j.putObject("params").put("prompt", "edit").put("size", "64x64");
                j.put("backend", backend);
                assertThat(served.http().post("/api/v1/generate", j.toString(), "X-ModelScope-Token", "t")
                        .statusCode()).isEqualTo(202);
            }
            JsonNode remote = served.jobWhenEnded("reach-remote");
            assertThat(remote.path("status").asText()).isEqualTo("failed");
            assertThat(remote.at("/error/message").asText()).contains("server.public-url", "inputs.remote-data-uri")
                    .doesNotContain("\n");
            JsonNode auto = served.jobWhenEnded("reach-auto");
            assertThat(auto.path("status").asText()).as(auto.toString()).isEqualTo("succeeded");
            assertThat(auto.at("/meta/backend").asText()).startsWith("local");
            assertThat(auto.at("/meta/notes").toString()).contains("server.public-url");
            assertThat(inference.getAllServeEvents()).as("nothing ModelScope could not use was submitted").isEmpty();
        } finally {
            served.runtime().close();
            inference.stop();
        }
    }
}
