package dev.toploras.api;

import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * Only these headers may leave as HTTP response headers. platform-http would otherwise copy every Camel header,
 * request headers included, into the response.
 */
public final class ApiHeaderFilter extends DefaultHeaderFilterStrategy {
    private static final Set<String> OUTGOING = Set.of("content-type", "cache-control", "etag", "last-modified",
            "location", "retry-after", "www-authenticate", "content-disposition");

    @Override
    public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
        return !OUTGOING.contains(name.toLowerCase(Locale.ROOT));
    }
}
