package dev.toploras.modelscope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.storage.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListingPageTest {
    static ListingPage read(String body) {
        return ListingPage.read(Json.mapper(), body.getBytes(StandardCharsets.UTF_8), "listing");
    }

    @Test
    void should_read_success_even_when_it_comes_after_the_data() {
        ListingPage page = read("{\"Data\":{\"Model\":{\"Models\":[{\"Name\":\"a\"},{\"Name\":\"b\"}],"
                + "\"TotalCount\":\"42\"}},\"Success\":true}");
        assertThat(page.totalCount()).isEqualTo(42);
        List<String> names = new ArrayList<>();
        page.records().forEachRemaining((JsonNode n) -> names.add(n.get("Name").asText()));
        assertThat(names).containsExactly("a", "b");
    }

    @Test
    void should_reject_success_false_with_code_and_message() {
        assertThatThrownBy(() -> read("{\"Data\":{\"Model\":{\"Models\":[]}},\"Code\":10010,\"Message\":\"busy\","
                + "\"Success\":false}"))
                .isInstanceOf(UpstreamRejectedException.class)
                .hasMessageContaining("Success:false").hasMessageContaining("10010").hasMessageContaining("busy");
    }

    @Test
    void should_reject_missing_or_null_data() {
        assertThatThrownBy(() -> read("{\"Success\":true,\"Data\":null}")).isInstanceOf(UpstreamRejectedException.class);
        assertThatThrownBy(() -> read("{\"Success\":true}")).isInstanceOf(UpstreamRejectedException.class);
        assertThatThrownBy(() -> read("{\"Success\":true,\"Data\":{\"Model\":{}}}"))
                .isInstanceOf(UpstreamRejectedException.class);
    }

    @Test
    void should_reject_a_reply_that_is_not_json() {
        assertThatThrownBy(() -> read("<html>502 Bad Gateway</html>"))
                .isInstanceOf(UpstreamRejectedException.class).hasMessageContaining("not");
        assertThatThrownBy(() -> read("{\"Data\": {\"Model\": {\"Models\": [{\"a\":1}, ")) 
                .isInstanceOf(UpstreamRejectedException.class).hasMessageContaining("not valid JSON");
    }
}
