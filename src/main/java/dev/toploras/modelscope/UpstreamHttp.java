package dev.toploras.modelscope;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The one outbound HTTP client. It never retries by itself (retries belong to Camel's redelivery policy, where
 * they are counted and configured), never follows redirects by itself (callers decide per hop which headers a
 * host may receive), and bounds every call by {@code http.timeout}.
 */
public final class UpstreamHttp {
    private final HttpClient client;
    private final Duration timeout;
    private final UpstreamHealth health;

    public UpstreamHttp(Duration timeout, UpstreamHealth health) {
        this.timeout = timeout;
        this.health = health;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public Duration timeout() {
        return timeout;
    }

    public HttpRequest.Builder request(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "top-loras");
    }

    public HttpResponse<byte[]> send(HttpRequest request, String what) {
        return exchange(request, HttpResponse.BodyHandlers.ofByteArray(), what);
    }

    public HttpResponse<InputStream> stream(HttpRequest request, String what) {
        return exchange(request, HttpResponse.BodyHandlers.ofInputStream(), what);
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler, String what) {
        String host = request.uri().getHost() + (request.uri().getPort() > 0 ? ":" + request.uri().getPort() : "");
        try {
            HttpResponse<T> reply = client.send(request, handler);
            health.record(host, true, "HTTP " + reply.statusCode());
            return reply;
        } catch (HttpTimeoutException e) {
            health.record(host, false, "timeout");
            throw new UpstreamTimeoutException(what + " gave no reply within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            health.record(host, false, describe(e));
            throw new UpstreamUnavailableException(what + " could not be reached: " + describe(e), 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailableException(what + " was interrupted", 0, e);
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }
}
