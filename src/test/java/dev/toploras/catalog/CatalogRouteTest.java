package dev.toploras.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.support.Listings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * The bundled catalog flow (catalog.camel.yaml, with errors and covers) on Camel's test kit: the outbound listing
 * call is intercepted (AdviceWith) and answered by a MockEndpoint, so what the route sends and how it pages, bounds,
 * splits and filters is checked without HTTP. catalog.max-pages is 2 and catalog.exclude-names "banned" here.
 */
class CatalogRouteTest extends ListingRouteTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected Map<String, String> overrides() {
        return Map.of("catalog.max-pages", "2", "catalog.exclude-names", "banned");
    }

    private JsonNode cached(CatalogResult result) throws Exception {
        return JSON.readTree(result.cacheFile().toFile()).get("results");
    }

    @Test
    void should_page_with_put_requests_and_collect_only_loras_when_the_listing_is_intercepted() throws Exception {
        MockEndpoint listing = getMockEndpoint("mock:listing");
        listing.whenExchangeReceived(1, e -> e.getMessage().setBody(Listings.page(100, List.of(
                Listings.lora("u", "a", 30, null), Listings.checkpoint("c", "big", 99_999),
                Listings.lora("u", "b", 20, null)))));
        listing.whenExchangeReceived(2, e -> e.getMessage().setBody(Listings.page(100, List.of(
                Listings.lora("u", "c", 25, null), Listings.lora("u", "a", 31, null)))));
        listing.expectedMessageCount(2);
        listing.expectedHeaderReceived("CamelHttpMethod", "PUT");
        listing.expectedHeaderReceived("Content-Type", "application/json");
        listing.message(0).body(String.class).contains("\"PageNumber\": 1");
        listing.message(1).body(String.class).contains("\"PageNumber\": 2");
        NotifyBuilder written = new NotifyBuilder(context).wereSentTo("direct:catalog-write").whenCompleted(1).create();

        CatalogResult result = refresh("paging", 3);

        assertThat(written.matches(10, TimeUnit.SECONDS)).isTrue();
        listing.assertIsSatisfied();
        assertThat(result.pagesFetched()).isEqualTo(2);
        JsonNode results = cached(result);
        assertThat(results).extracting(r -> r.get("id").asText() + "=" + r.get("downloads").asLong())
                .containsExactly("u/a=31", "u/c=25", "u/b=20");
        assertThat(results.get(0).has("cover_url")).isTrue();
        assertThat(results.get(0).get("cover_url").isNull()).isTrue();
    }

    @Test
    void should_ask_for_at_most_max_pages_listing_pages_when_every_page_is_full_and_the_limit_is_not_reached()
            throws Exception {
        AtomicInteger n = new AtomicInteger();
        MockEndpoint listing = getMockEndpoint("mock:listing");
        listing.whenAnyExchangeReceived(e -> e.getMessage().setBody(Listings.page(10_000, List.of(
                Listings.lora("u", "p" + n.incrementAndGet(), 100 - n.get(), null),
                Listings.lora("u", "p" + n.incrementAndGet(), 100 - n.get(), null)))));

        CatalogResult result = refresh("bound", 50);

        assertThat(listing.getReceivedCounter()).isEqualTo(2);
        assertThat(result.pagesFetched()).isEqualTo(2);
        assertThat(cached(result)).hasSize(4);
    }

    @Test
    void should_stop_paging_after_the_last_page_even_when_the_limit_is_not_reached() throws Exception {
        MockEndpoint listing = getMockEndpoint("mock:listing");
        listing.whenAnyExchangeReceived(e -> e.getMessage().setBody(Listings.page(2, List.of(
                Listings.lora("u", "only", 5, null), Listings.lora("u", "other", 4, null)))));

        CatalogResult result = refresh("last-page", 50);

        assertThat(listing.getReceivedCounter()).isEqualTo(1);
        assertThat(cached(result)).extracting(r -> r.get("id").asText()).containsExactly("u/only", "u/other");
    }

    @Test
    void should_leave_out_records_whose_id_or_title_contains_an_excluded_name_in_any_case() throws Exception {
        getMockEndpoint("mock:listing").whenAnyExchangeReceived(e -> e.getMessage().setBody(Listings.page(3,
                List.of(Listings.lora("u", "kept", 9, null), Listings.lora("u", "BANNED-style", 8, null),
                        Listings.lora("banned", "by-owner", 7, null)))));

        CatalogResult result = refresh("filters", 10);

        List<String> ids = new ArrayList<>();
        cached(result).forEach(r -> ids.add(r.get("id").asText()));
        assertThat(ids).containsExactly("u/kept");
    }
}
