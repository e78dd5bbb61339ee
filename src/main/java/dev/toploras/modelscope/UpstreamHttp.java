package dev.toploras.modelscope;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/**
 * The one outbound HTTP client. It never retries by itself (retries belong to Camel's redelivery policy, where
 * they are counted and configured), never follows redirects by itself (callers decide per hop which headers a
 * host may receive), and bounds connecting and every read by {@code http.timeout}.
 *
 * <p>Callers describe requests with {@code java.net.http} values, but the exchange runs on blocking
 * {@link HttpURLConnection}s: the JDK 17 {@code HttpClient} keeps a selector thread in native code, and the JVM
 * then waits about 300 ms at every exit for it, which a one-shot {@code fetch} pays each time. Blocking sockets
 * leave no thread behind.
 */
public final class UpstreamHttp {
    static {
        // Keep-alive connections kept per host (JDK default 5): enough for the cover downloads running in parallel.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "16");
        }
    }

    private final Duration timeout;
    private final UpstreamHealth health;

    public UpstreamHttp(Duration timeout, UpstreamHealth health) {
        this.timeout = timeout;
        this.health = health;
    }

    public Duration timeout() {
        return timeout;
    }

    public HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "top-loras");
    }

    public HttpResponse<byte[]> send(HttpRequest request, String what) {
        return exchange(request, what, false);
    }

    /** The body is left open for the caller to read (and close); a read that stalls fails after the timeout. */
    public HttpResponse<InputStream> stream(HttpRequest request, String what) {
        return exchange(request, what, true);
    }

    @SuppressWarnings("unchecked")
    private <T> HttpResponse<T> exchange(HttpRequest request, String what, boolean streamed) {
        URI uri = request.uri();
        String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        int ms = (int) Math.min(Integer.MAX_VALUE, request.timeout().orElse(timeout).toMillis());
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setConnectTimeout(ms);
            c.setReadTimeout(ms);
            c.setRequestMethod(request.method());
            HttpURLConnection conn = c;
            request.headers().map().forEach((k, vs) -> vs.forEach(v -> conn.addRequestProperty(k, v)));
            byte[] body = bytesOf(request);
            if (body != null) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            if (in == null) {
                in = InputStream.nullInputStream();
            }
            Object payload = streamed ? in : readAll(in);
            health.record(host, true, "HTTP " + status);
            return (HttpResponse<T>) new Reply<>(request, status, headersOf(c), payload);
        } catch (SocketTimeoutException e) {
            disconnect(c);
            health.record(host, false, "timeout");
            throw new UpstreamTimeoutException(what + " gave no reply within " + ms + " ms", e);
        } catch (IOException e) {
            disconnect(c);
            health.record(host, false, describe(e));
            throw new UpstreamUnavailableException(what + " could not be reached: " + describe(e), 0, e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static HttpHeaders headersOf(HttpURLConnection c) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        c.getHeaderFields().forEach((k, v) -> {
            if (k != null) { // the status line comes with a null name
                map.put(k, v);
            }
        });
        return HttpHeaders.of(map, (k, v) -> true);
    }

    /** The bytes a request's publisher holds (the callers only ever publish byte arrays); null for no body. */
    private static byte[] bytesOf(HttpRequest request) {
        Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
        if (publisher.isEmpty() || publisher.get().contentLength() == 0) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        publisher.get().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] b = new byte[item.remaining()];
                item.get(b);
                out.writeBytes(b);
            }

            @Override
            public void onError(Throwable t) {
                throw new IllegalStateException("request body could not be read", t);
            }

            @Override
            public void onComplete() {
                // all bytes are in `out`
            }
        });
        return out.toByteArray();
    }

    private static void disconnect(HttpURLConnection c) {
        if (c != null) {
            c.disconnect();
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }

    /** A finished exchange in the shape callers already read: status, headers, body. */
    private record Reply<T>(HttpRequest request, int statusCode, HttpHeaders headers, T body)
            implements HttpResponse<T> {
        @Override
        public Optional<HttpResponse<T>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }

}
