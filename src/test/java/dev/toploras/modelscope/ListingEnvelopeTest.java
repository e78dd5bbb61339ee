package dev.toploras.modelscope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.core.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListingEnvelopeTest {
    static Map<?, ?> reply(String body) throws Exception {
        return Json.mapper().readValue(body, Map.class);
    }

    @Test
    void should_accept_success_even_when_it_comes_after_the_data() throws Exception {
        Map<?, ?> page = reply("{\"Data\":{\"Model\":{\"Models\":[{\"Name\":\"a\"},{\"Name\":\"b\"}],"
                + "\"TotalCount\":\"42\"}},\"Success\":true}");
        ListingEnvelope.check(page);
        assertThat(ListingEnvelope.totalCount(page)).isEqualTo(42);
        assertThat(ListingEnvelope.models(page)).hasSize(2);
    }

    @Test
    void should_reject_success_false_with_code_and_message() throws Exception {
        Map<?, ?> page = reply("{\"Data\":{\"Model\":{\"Models\":[]}},\"Code\":10010,\"Message\":\"busy\","
                + "\"Success\":false}");
        assertThatThrownBy(() -> ListingEnvelope.check(page))
                .isInstanceOf(UpstreamRejectedException.class)
                .hasMessageContaining("Success:false").hasMessageContaining("10010").hasMessageContaining("busy");
    }

    @Test
    void should_reject_missing_or_null_data() throws Exception {
        for (String body : new String[] {"{\"Success\":true,\"Data\":null}", "{\"Success\":true}",
            "{\"Success\":true,\"Data\":{\"Model\":{}}}"}) {
            Map<?, ?> page = reply(body);
            assertThatThrownBy(() -> ListingEnvelope.check(page)).as(body)
                    .isInstanceOf(UpstreamRejectedException.class).hasMessageContaining("no Data.Model.Models");
        }
        assertThatThrownBy(() -> ListingEnvelope.check("<html>")).isInstanceOf(UpstreamRejectedException.class);
    }

    @Test
    void should_tell_the_last_page_by_an_empty_page_or_the_total() throws Exception {
        Map<?, ?> two = reply("{\"Data\":{\"Model\":{\"Models\":[{},{}],\"TotalCount\":5}}}");
        assertThat(ListingEnvelope.isLastPage(two, 1, 2)).isFalse();
        assertThat(ListingEnvelope.isLastPage(two, 3, 2)).isTrue();
        assertThat(ListingEnvelope.isLastPage(reply("{\"Data\":{\"Model\":{\"Models\":[]}}}"), 1, 10)).isTrue();
        assertThat(ListingEnvelope.isLastPage(reply("{\"Data\":{\"Model\":{\"Models\":[{}]}}}"), 9, 10)).isFalse();
    }
}
