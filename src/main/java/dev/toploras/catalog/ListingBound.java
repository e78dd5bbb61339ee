package dev.toploras.catalog;

import dev.toploras.modelscope.ListingClient;
import dev.toploras.modelscope.UpstreamHealth;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.SafeCopyProperty;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * catalog.max-pages, enforced where the listing is called rather than in a loop condition a YAML edit can change:
 * every {@code to}/{@code toD} step whose URI names the listing path, in any route file, is wrapped so that a
 * refresh gets at most max-pages listing replies. A page counts once it was answered, so the retries of one page
 * (bounded by retries.max) do not use up the bound. The count lives on the refresh's exchange as a safe-copy
 * property: an exchange extension no YAML step (removeProperties, setVariable, ...) can reach or reset, shared by
 * the copies Camel makes of it.
 */
public final class ListingBound implements InterceptStrategy {
    static final String COUNT_PROPERTY = "TopLorasListingCalls";
    private final int maxPages;

    public ListingBound(int maxPages) {
        this.maxPages = maxPages;
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        String uri = UpstreamHealth.targetUri(context, definition);
        if (uri == null || !uri.contains(ListingClient.PATH)) {
            return target;
        }
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                AtomicInteger calls = counter(exchange);
                if (calls.get() >= maxPages) {
                    exchange.setException(new ListingBoundException(maxPages));
                    callback.done(true);
                    return true;
                }
                return processor.process(exchange, doneSync -> {
                    if (exchange.getException() == null) {
                        calls.incrementAndGet();
                    }
                    callback.done(doneSync);
                });
            }
        };
    }

    private static AtomicInteger counter(Exchange exchange) {
        Calls c = exchange.getExchangeExtension().getSafeCopyProperty(COUNT_PROPERTY, Calls.class);
        if (c == null) {
            c = new Calls();
            exchange.getExchangeExtension().setSafeCopyProperty(COUNT_PROPERTY, c);
        }
        return c;
    }

    /** The listing replies of one refresh; a copy of its exchange counts on the same. */
    private static final class Calls extends AtomicInteger implements SafeCopyProperty {
        @Override
        public SafeCopyProperty safeCopy() {
            return this;
        }
    }
}
