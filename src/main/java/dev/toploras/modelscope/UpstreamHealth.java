package dev.toploras.modelscope;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * What the last calls to each upstream host showed, so /api/health can say whether ModelScope is reachable
 * without probing it on every request. Any HTTP reply counts as reachable; no reply does not. It wraps every
 * camel-http step of every route (an intercept strategy, like the listing's page bound), so no route has to
 * remember to report.
 */
public final class UpstreamHealth implements InterceptStrategy {
    public record Seen(boolean reachable, Instant at, String detail, long calls, long failures) {
    }

    private final Clock clock;
    private final Map<String, Seen> byHost = new ConcurrentHashMap<>();

    public UpstreamHealth(Clock clock) {
        this.clock = clock;
    }

    void record(String host, boolean reachable, String detail) {
        byHost.merge(host, new Seen(reachable, clock.instant(), detail, 1, reachable ? 0 : 1),
                (old, neu) -> new Seen(reachable, neu.at(), detail, old.calls() + 1, old.failures() + neu.failures()));
    }

    public Map<String, Seen> snapshot() {
        return new TreeMap<>(byHost);
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        String resolved = targetUri(context, definition);
        if (resolved == null || !resolved.startsWith("http:") && !resolved.startsWith("https:")) {
            return target;
        }
        String endpointUri = resolved;
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                String requested = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
                return processor.process(exchange, doneSync -> {
                    seen(exchange, hostOf(requested, endpointUri));
                    callback.done(doneSync);
                });
            }
        };
    }

    /** The URI a {@code to}/{@code toD} step sends to, placeholders resolved; null for any other step. */
    public static String targetUri(CamelContext context, NamedNode definition) {
        String uri = definition instanceof SendDefinition<?> send ? send.getEndpointUri()
                : definition instanceof ToDynamicDefinition dyn ? dyn.getUri() : null;
        if (uri == null) {
            return null;
        }
        try {
            return context.resolvePropertyPlaceholders(uri);
        } catch (RuntimeException e) {
            return uri; // a toD expression that only resolves per message
        }
    }

    private void seen(Exchange exchange, String host) {
        Exception failure = exchange.getException();
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (failure instanceof HttpOperationFailedException h) {
            record(host, true, "HTTP " + h.getStatusCode());
        } else if (failure != null) {
            record(host, false, failure.getClass().getSimpleName());
        } else {
            record(host, true, status == null ? "replied" : "HTTP " + status);
        }
    }

    private static String hostOf(String uriHeader, String endpointUri) {
        String raw = uriHeader != null ? uriHeader : endpointUri;
        try {
            URI u = URI.create(raw.replace(" ", "%20"));
            return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "unknown";
        }
    }
}
