package dev.toploras.runtime;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One readable line per redelivery ("retry 2 of 3 ...: why"), in place of Camel's message-id dump. Used by the
 * flow-errors route configuration as its onRedelivery step.
 */
public final class RetryLog implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger("top-loras.retry");

    @Override
    public void process(Exchange exchange) {
        Integer attempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Integer max = exchange.getIn().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        LOG.warn("retry {} of {}: {}", attempt, max, cause == null ? "unknown failure" : cause.getMessage());
    }
}
