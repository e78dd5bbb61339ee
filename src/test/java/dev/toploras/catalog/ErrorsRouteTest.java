package dev.toploras.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.support.Listings;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Processor;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

/**
 * errors.camel.yaml's flow-errors on the real route that uses it (catalog-fetch-page's listing call, intercepted
 * and answered by a MockEndpoint): what is redelivered at the failing step and what never is. retries.max is 2 with
 * a 1 ms delay here, so a call is made at most three times.
 */
class ErrorsRouteTest extends ListingRouteTestSupport {
    @Override
    protected Map<String, String> overrides() {
        return Map.of("retries.max", "2", "retries.initial-delay", "1", "retries.multiplier", "1");
    }

    private static Processor status(int code) {
        return e -> {
            throw new HttpOperationFailedException("http://listing.invalid/api/v1/dolphin/models", code, "status "
                    + code, null, Map.of(), "{}");
        };
    }

    private static Processor onePage() {
        return e -> e.getMessage().setBody(Listings.page(1, List.of(Listings.lora("u", "a", 3, null))));
    }

    private CatalogResult refresh(String name) {
        return refresh(name, 5);
    }

    @Test
    void should_redeliver_a_listing_call_answered_with_5xx_and_succeed_with_the_next_reply() {
        MockEndpoint listing = getMockEndpoint("mock:listing");
        listing.whenExchangeReceived(1, status(503));
        listing.whenExchangeReceived(2, status(502));
        listing.whenExchangeReceived(3, onePage());

        CatalogResult result = refresh("five-hundreds");

        assertThat(listing.getReceivedCounter()).isEqualTo(3);
        assertThat(result.pagesFetched()).isEqualTo(1);
    }

    @Test
    void should_redeliver_a_listing_call_that_timed_out() {
        MockEndpoint listing = getMockEndpoint("mock:listing");
        listing.whenExchangeReceived(1, e -> {
            throw new SocketTimeoutException("Read timed out");
        });
        listing.whenExchangeReceived(2, onePage());

        CatalogResult result = refresh("timeout");

        assertThat(listing.getReceivedCounter()).isEqualTo(2);
        assertThat(result.pagesFetched()).isEqualTo(1);
    }

    @Test
    void should_give_up_after_retries_max_redeliveries_when_every_reply_is_5xx() {
        MockEndpoint listing = getMockEndpoint("mock:listing");
        listing.whenAnyExchangeReceived(status(500));

        assertThatThrownBy(() -> refresh("always-500")).isInstanceOf(CamelExecutionException.class);
        assertThat(listing.getReceivedCounter()).isEqualTo(3);
    }

    @Test
    void should_not_retry_a_listing_call_answered_with_4xx() {
        MockEndpoint listing = getMockEndpoint("mock:listing");
        listing.whenAnyExchangeReceived(status(429));

        assertThatThrownBy(() -> refresh("four-hundreds")).isInstanceOf(CamelExecutionException.class);
        assertThat(listing.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void should_not_retry_a_success_false_envelope_and_fail_the_refresh() {
        MockEndpoint listing = getMockEndpoint("mock:listing");
        listing.whenAnyExchangeReceived(e -> e.getMessage().setBody(Listings.failure()));

        assertThatThrownBy(() -> refresh("success-false")).isInstanceOf(CamelExecutionException.class)
                .cause().hasMessageContaining("system error");
        assertThat(listing.getReceivedCounter()).isEqualTo(1);
    }
}
