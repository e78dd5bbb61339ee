package dev.toploras.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.errors.UpstreamStatus.Refusal;
import dev.toploras.generation.LocalBackendException;
import dev.toploras.generation.OpenAiImages;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.UpstreamException;
import dev.toploras.modelscope.UpstreamRateLimitedException;
import dev.toploras.modelscope.UpstreamRejectedException;
import dev.toploras.modelscope.UpstreamUnauthorizedException;
import dev.toploras.modelscope.UpstreamUnavailableException;
import dev.toploras.storage.Json;
import java.util.Map;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one HTTP-status-to-error mapping, and the three callers that now share it. */
class UpstreamStatusTest {

    @ParameterizedTest(name = "HTTP {0} -> {1} (token) / {2} (no token)")
    @CsvSource({
        "400, UPSTREAM_REJECTED, UPSTREAM_REJECTED",
        "401, UNAUTHORIZED, UPSTREAM_REJECTED",
        "403, UNAUTHORIZED, UPSTREAM_REJECTED",
        "404, UPSTREAM_REJECTED, UPSTREAM_REJECTED",
        "422, UPSTREAM_REJECTED, UPSTREAM_REJECTED",
        "429, UPSTREAM_RATE_LIMITED, UPSTREAM_RATE_LIMITED",
        "500, UPSTREAM_UNAVAILABLE, UPSTREAM_UNAVAILABLE",
        "502, UPSTREAM_UNAVAILABLE, UPSTREAM_UNAVAILABLE",
        "503, UPSTREAM_UNAVAILABLE, UPSTREAM_UNAVAILABLE",
        "302, UPSTREAM_REJECTED, UPSTREAM_REJECTED",
        "0, UPSTREAM_REJECTED, UPSTREAM_REJECTED"
    })
    void should_map_each_status_once_with_only_401_and_403_depending_on_the_token(int status, ErrorCode token,
                                                                                ErrorCode noToken) {
        assertThat(UpstreamStatus.code(status, Refusal.TOKEN)).isEqualTo(token);
        assertThat(UpstreamStatus.code(status, Refusal.NO_TOKEN)).isEqualTo(noToken);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource({"401", "403", "404", "429", "500", "503"})
    void should_give_modelscope_calls_the_exception_whose_code_the_mapping_names(int status) {
        UpstreamException e = UpstreamException.forStatus(status, "ModelScope listing");
        assertThat(e.code()).isEqualTo(UpstreamStatus.code(status, Refusal.TOKEN));
        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.getMessage()).startsWith("ModelScope listing answered HTTP " + status);
    }

    @Test
    void should_keep_each_exception_type_and_hint_of_the_modelscope_mapping() {
        assertThat(UpstreamException.forStatus(401, "x")).isInstanceOf(UpstreamUnauthorizedException.class)
                .hasMessage("x answered HTTP 401 (check MODELSCOPE_API_TOKEN)");
        assertThat(UpstreamException.forStatus(429, "x")).isInstanceOf(UpstreamRateLimitedException.class)
                .hasMessage("x answered HTTP 429 (rate limit or daily quota reached; try later)");
        assertThat(UpstreamException.forStatus(502, "x")).isInstanceOf(UpstreamUnavailableException.class)
                .hasMessage("x answered HTTP 502").hasNoCause();
        assertThat(UpstreamException.forStatus(404, "x")).isInstanceOf(UpstreamRejectedException.class)
                .hasMessage("x answered HTTP 404");
    }

    @Test
    void should_name_the_refused_tokens_source_and_keep_modelscopes_words_for_api_inference() {
        HttpOperationFailedException refused = new HttpOperationFailedException("http://x", 403, "Forbidden", null,
                Map.of(), "{\"errors\":{\"message\":\"token expired\"}}");
        UpstreamException e = InferenceClient.upstream(refused, "ModelScope API-Inference submit",
                InferenceClient.TokenSource.ENVIRONMENT);
        assertThat(e).isInstanceOf(UpstreamUnauthorizedException.class);
        assertThat(e.getMessage()).isEqualTo("ModelScope API-Inference submit answered HTTP 403: token expired"
                + " (the token from MODELSCOPE_API_TOKEN was refused; check it)");
        assertThat(InferenceClient.upstream(refused, "download", null)).isInstanceOf(
                UpstreamUnauthorizedException.class).hasMessage("download answered HTTP 403: token expired");

        HttpOperationFailedException down = new HttpOperationFailedException("http://x", 503, "Unavailable", null,
                Map.of(), "");
        assertThat(InferenceClient.upstream(down, "poll", InferenceClient.TokenSource.NONE))
                .isInstanceOf(UpstreamUnavailableException.class).hasCause(down);
        HttpOperationFailedException limited = new HttpOperationFailedException("http://x", 429, "Too Many", null,
                Map.of(), "");
        assertThat(InferenceClient.upstream(limited, "poll", InferenceClient.TokenSource.NONE).code())
                .isEqualTo(ErrorCode.UPSTREAM_RATE_LIMITED);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource({"401, UPSTREAM_REJECTED", "403, UPSTREAM_REJECTED", "404, UPSTREAM_REJECTED",
        "429, UPSTREAM_RATE_LIMITED", "500, UPSTREAM_UNAVAILABLE"})
    void should_treat_a_local_image_servers_401_and_403_as_its_own_refusal(int status, ErrorCode expected) {
        OpenAiImages images = new OpenAiImages(Json.mapper());
        assertThatThrownBy(() -> images.reply(new byte[0], status, "http://127.0.0.1:9"))
                .isInstanceOfSatisfying(LocalBackendException.class, e -> {
                    assertThat(e.problem().code()).isEqualTo(expected.wire());
                    assertThat(e.getMessage()).isEqualTo("local image server http://127.0.0.1:9 answered HTTP "
                            + status + "; check its log");
                });
    }
}
