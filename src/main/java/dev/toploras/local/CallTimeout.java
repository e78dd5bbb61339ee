package dev.toploras.local;

import dev.toploras.modelscope.ReplyBounds;
import java.time.Duration;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * A reply timeout for one kind of call, set on its endpoint ({@code httpClientConfigurer=#name}). camel-http 4.14 has
 * timeouts on the component only (http.timeout, right for ModelScope), while a render or a LoRA download takes
 * minutes and a health probe must give up in seconds. The response timeout is the socket timeout of the exchange.
 * An endpoint's configurer replaces the component's, so this one also applies the reply bounds it is given
 * ({@link ReplyBounds}: size cap and overall deadline).
 */
public final class CallTimeout implements HttpClientConfigurer {
    private final Duration timeout;
    private final ReplyBounds bounds;

    public CallTimeout(Duration timeout, ReplyBounds bounds) {
        this.timeout = timeout;
        this.bounds = bounds;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        bounds.configureHttpClient(builder);
        Timeout t = Timeout.ofMilliseconds(timeout.toMillis());
        builder.setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t).setConnectionRequestTimeout(t)
                .setRedirectsEnabled(false).build());
    }
}
