package dev.toploras.modelscope;

import dev.toploras.core.Settings;

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
 * holding a thread. The stall (no byte for a while) is the client's socket timeout. The rest of a reply closed
 * before its end is read within the same bounds (Apache HttpClient would read it without any), and {@link #abort}
 * stops a read blocked on a reply from another thread (a cancelled download).
 *
 * <p>Replies are not decompressed (no Accept-Encoding is sent), so the cap counts the bytes the reader gets.
 *
 * <p>Over the cap: {@link Exceeded} carrying {@link UpstreamRejectedException} "reply larger than N MB"; past the
 * deadline: {@link Exceeded} carrying {@link UpstreamTimeoutException}. Both name the setting to change;
 * {@code UpstreamErrors.translate} finds them in the cause chain.
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
        // Decompression would sit outside the count (a small gzip reply can inflate to any size): replies come as
        // sent, and the cap counts what is read.
        builder.disableContentCompression();
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
            return new Counting(super.getContent(), getContentLength(), deadlineAt);
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

    /**
     * Counts the body as it is read. It sits under the client's own stream (EofSensorInputStream), which drops the
     * connection when a read fails with an IOException (instead of reading the rest): so a cut-off is an IOException
     * ({@link Exceeded}, carrying the upstream error).
     */
    private final class Counting extends FilterInputStream {
        private final long length;
        private final long deadlineAt;
        private long count;
        private volatile boolean ended;

        Counting(InputStream in, long length, long deadlineAt) {
            super(in);
            this.length = length;
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
            if (length > maxBytes) {
                throw new Exceeded(tooLarge());
            }
            int n = in.read(b, off, len);
            if (n < 0) {
                ended = true;
                return n;
            }
            count += n;
            if (length >= 0 && count >= length) {
                ended = true;
            }
            if (count > maxBytes) {
                throw new Exceeded(tooLarge());
            }
            if (System.nanoTime() - deadlineAt > 0) {
                throw new Exceeded(new UpstreamTimeoutException("the reply did not end within " + deadlineKey + "="
                        + deadline.toSeconds() + "s (" + count + " bytes came); raise " + deadlineKey
                        + " if the host is just slow", null));
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            int step = (int) Math.min(n, 8192);
            int read = read(new byte[step], 0, step);
            return Math.max(read, 0);
        }

        @Override
        public void close() throws IOException {
            // Apache HttpClient reads the rest of a reply closed early (a redirect's body) to reuse its connection:
            // read here, that rest stays within the cap and the deadline, and an Exceeded drops the connection.
            byte[] scratch = new byte[8192];
            while (!ended) {
                read(scratch, 0, scratch.length);
            }
            in.close();
        }
    }

    /**
     * Stops a reply at once from any thread (a cancelled download): the client drops the connection, so a read
     * blocked on it fails now, and nothing is read to the end.
     */
    public static void abort(InputStream body) {
        try {
            if (body instanceof EofSensorInputStream reply) {
                reply.abort();
            } else if (body != null) {
                body.close();
            }
        } catch (IOException ignored) {
            // the reply is given up either way
        }
    }

    /** A reply cut off by its bounds: an IOException for the HTTP client, the upstream error as its cause. */
    public static final class Exceeded extends IOException {
        Exceeded(RuntimeException upstream) {
            super(upstream.getMessage(), upstream);
        }

        /** The upstream error (upstream_rejected or timeout) this cut-off stands for. */
        public RuntimeException upstream() {
            return (RuntimeException) getCause();
        }
    }

    /** Throws the upstream error of a reply cut off by its bounds, when {@code failure} is (or was caused by) one. */
    public static void rethrowCutOff(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof Exceeded x) {
                throw x.upstream();
            }
        }
    }

    private UpstreamRejectedException tooLarge() {
        return new UpstreamRejectedException("reply larger than " + Math.max(1, maxBytes / (1024 * 1024))
                + " MB (" + capKey + "=" + maxBytes + "); the rest was not read", 0);
    }
}
