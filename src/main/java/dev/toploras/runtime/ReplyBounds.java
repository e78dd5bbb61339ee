package dev.toploras.runtime;

import dev.toploras.modelscope.UpstreamRejectedException;
import dev.toploras.modelscope.UpstreamTimeoutException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.cookie.CookieSpecFactory;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpResponseInterceptor;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The bounds of every reply camel-http reads, set once on the HTTP client (the component's client setup, and each
 * endpoint's own {@code httpClientConfigurer}) instead of in each route: a size cap and an overall deadline, both
 * checked while the body streams, so a 300 MB or never-ending reply fails early instead of filling the heap or
 * holding a thread. The stall (no byte for a while) is the client's socket timeout. A reply body closed before its
 * end drops its connection instead of reading the rest (Apache HttpClient would drain it, which is unbounded), so
 * closing the stream from another thread also stops a read blocked on it (a cancelled download).
 *
 * <p>Over the cap: {@link UpstreamRejectedException} "reply larger than N MB"; past the deadline:
 * {@link UpstreamTimeoutException}. Both name the setting to change.
 */
public final class ReplyBounds implements HttpClientConfigurer {
    private final long maxBytes;
    private final String capKey;
    private final Duration deadline;
    private final String deadlineKey;

    /** {@code capKey}, {@code deadlineKey}: the settings the error messages point at. */
    public ReplyBounds(long maxBytes, String capKey, Duration deadline, String deadlineKey) {
        this.maxBytes = maxBytes;
        this.capKey = capKey;
        this.deadline = deadline;
        this.deadlineKey = deadlineKey;
    }

    /** The bounds of replies read into memory (JSON, images): http.max-reply-bytes and http.reply-deadline. */
    public static ReplyBounds ofReplies(Settings s) {
        return new ReplyBounds(s.longValue("http.max-reply-bytes"), "http.max-reply-bytes",
                s.duration("http.reply-deadline"), "http.reply-deadline");
    }

    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // Cookies are off (cookie-management-disabled), yet the builder would otherwise make its default registry,
        // which loads and parses the whole public suffix list on every start, for specs no request can use.
        builder.setDefaultCookieSpecRegistry(RegistryBuilder.<CookieSpecFactory>create().build());
        builder.addResponseInterceptorLast(new Interceptor());
    }

    private final class Interceptor implements HttpResponseInterceptor {
        @Override
        public void process(HttpResponse response, EntityDetails details, HttpContext context) {
            if (response instanceof ClassicHttpResponse r && r.getEntity() != null) {
                r.setEntity(new Bounded(r.getEntity(), System.nanoTime() + deadline.toNanos()));
            }
        }
    }

    private final class Bounded extends HttpEntityWrapper {
        private final long deadlineAt;

        Bounded(HttpEntity wrapped, long deadlineAt) {
            super(wrapped);
            this.deadlineAt = deadlineAt;
        }

        @Override
        public InputStream getContent() throws IOException {
            if (getContentLength() > maxBytes) {
                abort(super.getContent());
                throw tooLarge();
            }
            return new Counting(super.getContent(), deadlineAt);
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (InputStream in = getContent()) {
                in.transferTo(out);
            }
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }
    }

    private final class Counting extends FilterInputStream {
        private final long deadlineAt;
        private long count;
        private boolean ended;

        Counting(InputStream in, long deadlineAt) {
            super(in);
            this.deadlineAt = deadlineAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                ended = true;
                return n;
            }
            count += n;
            if (count > maxBytes) {
                abort(in);
                throw tooLarge();
            }
            if (System.nanoTime() - deadlineAt > 0) {
                abort(in);
                throw new UpstreamTimeoutException("the reply did not end within " + deadlineKey + "="
                        + deadline.toSeconds() + "s (" + count + " bytes came); raise " + deadlineKey
                        + " if the host is just slow", null);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            return read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192));
        }

        @Override
        public void close() throws IOException {
            if (ended) {
                in.close();
            } else {
                abort(in);
            }
        }
    }

    private UpstreamRejectedException tooLarge() {
        return new UpstreamRejectedException("reply larger than " + Math.max(1, maxBytes / (1024 * 1024))
                + " MB (" + capKey + "=" + maxBytes + "); the rest was not read", 0);
    }

    /** Drops the connection under a reply instead of draining it. */
    private static void abort(InputStream in) throws IOException {
        if (in instanceof EofSensorInputStream eof) {
            eof.abort();
        } else {
            in.close();
        }
    }
}
