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
        LOG.warn("retry {} of {}: {}", attempt, max, reason(cause));
    }

    /**
     * Why the call failed, in words on every attempt: the JDK caches a failed DNS lookup, and the cached failure's
     * message is only the host name (so retries 2 and 3 said just "www.modelscope.cn").
     */
    static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown failure";
        }
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof java.net.UnknownHostException) {
                String host = c.getMessage() == null ? "?" : c.getMessage().split(":")[0].trim();
                return "unknown host " + host + " (the name does not resolve: no network, or no DNS for it)";
            }
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
