package dev.toploras.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.net.BindException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket, with limits. Camel's platform-http server builds its Vert.x server with default options (no
 * idle timeout, no connection cap, nothing against slow headers or bodies), swallows a failed bind, and answers
 * malformed requests with empty bodies. So once Camel has started it, this class checks what Camel actually bound
 * (a port held, an address beyond loopback without a key), closes it and listens on the same address with
 * {@link ServerLimits}, the same router and the API's error shape for what the HTTP layer refuses.
 */
public final class EdgeServer {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);
    private static final int REBIND_TRIES = 40;
    private static final long REBIND_PAUSE_MS = 50;
    private final ServerLimits limits;
    private final String apiKey;
    private final ErrorWriter errors;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Long> awaitingFirstRequest = new ConcurrentHashMap<>();
    private HttpServer server;

    /** Writes the API's error shape onto a bare request (no routing context at this level). */
    interface ErrorWriter {
        void write(HttpServerRequest request, dev.toploras.errors.ErrorCode code, String message);
    }

    EdgeServer(ServerLimits limits, String apiKey, ErrorWriter errors) {
        this.limits = limits;
        this.apiKey = apiKey == null ? "" : apiKey;
        this.errors = errors;
    }

    /**
     * Fails fast, before Camel starts its server, when another program holds the port: Camel would log the bind
     * failure with a stack trace and carry on without HTTP. ({@link #takeOver} checks again for a program that takes
     * the port in between.)
     */
    public static void checkPortFree(String host, int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new ServerException.PortInUse(host, port, e);
        } catch (java.io.IOException e) {
            throw new ServerException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + "; check server.host and server.port", e);
        }
    }

    void takeOver(VertxPlatformHttpRouter router, int port) {
        VertxPlatformHttpServer camel = router.getServer();
        String host = camel.getHost();
        HttpServer original = camel.getServer();
        if (original == null || original.actualPort() <= 0) {
            throw new ServerException.PortInUse(host, port, null);
        }
        // The address Camel was told to bind, whichever key set it (server.host, camel.server.host, env, --set).
        if (apiKey.isBlank() && !HttpEdge.isLoopback(host)) {
            await(original.close(), "closing " + host);
            throw new ServerException.Exposed(host);
        }
        await(original.close(), "closing Camel's listener on port " + port);
        Vertx vertx = router.vertx();
        HttpServerOptions options = new HttpServerOptions()
                .setIdleTimeout((int) limits.idle().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxHeaderSize(limits.maxHeaderBytes()).setMaxInitialLineLength(limits.maxInitialLineBytes())
                .setReuseAddress(true)
                // Without this Vert.x waits for a first byte to tell HTTP/1.1 from h2c before it reports the
                // connection, so a client that sends nothing would escape the cap and the header timeout.
                .setHttp2ClearTextEnabled(false);
        HttpServer ours = vertx.createHttpServer(options);
        ours.connectionHandler(c -> connected(vertx, c));
        ours.invalidRequestHandler(this::invalid);
        // Connection resets and broken pipes are the client's doing: not worth an ERROR with a stack trace.
        ours.exceptionHandler(t -> LOG.debug("client connection: {}", t.toString()));
        Router routes = router;
        ours.requestHandler(req -> {
            HttpConnection c = req.connection();
            Long headerTimer = c == null ? null : awaitingFirstRequest.remove(c);
            if (headerTimer != null) {
                vertx.cancelTimer(headerTimer);
            }
            String path = req.path();
            if (path == null || !path.startsWith("/")) {
                // `OPTIONS *` (and any target that is no path) names no resource here; platform-http answered it
                // with a 500 and an ERROR trace, though it is the client's request that has nothing to serve
                errors.write(req, dev.toploras.errors.ErrorCode.INVALID_REQUEST, "the request target '"
                        + (path == null ? "" : path.length() > 40 ? path.substring(0, 40) + "..." : path)
                        + "' is not a path; ask for a path under /api/v1 (e.g. OPTIONS /api/v1/models)");
                return;
            }
            long bodyTimer = vertx.setTimer(limits.body().toMillis(), t -> {
                if (!req.isEnded() && !req.response().ended()) {
                    errors.write(req, dev.toploras.errors.ErrorCode.REQUEST_TIMEOUT, "the request body did not "
                            + "arrive within server.body-timeout (" + limits.body().toMillis() + " ms)");
                    req.connection().close();
                }
            });
            req.response().endHandler(v -> vertx.cancelTimer(bodyTimer));
            routes.handle(req);
        });
        server = listen(ours, host, port);
        LOG.info("HTTP server on {}:{} (idle {} ms, headers {} ms, body {} ms, at most {} connections)", host,
                server.actualPort(), limits.idle().toMillis(), limits.header().toMillis(), limits.body().toMillis(),
                limits.maxConnections());
    }

    /**
     * Listens where Camel's listener was. Closing that listener completes before Netty has released the socket, and a
     * client that connects in that moment (a health check during start) keeps it a little longer, so a bind that
     * fails is tried again for up to {@link #REBIND_TRIES} x {@link #REBIND_PAUSE_MS} ms; checkPortFree has already
     * ruled out another program holding the port, so a port still taken after that is reported as taken.
     */
    private static HttpServer listen(HttpServer ours, String host, int port) {
        for (int attempt = 1; ; attempt++) {
            try {
                return await(ours.listen(port, host), "listening on " + host + ":" + port);
            } catch (ServerException e) {
                if (!(e.getCause() instanceof BindException b)) {
                    throw e;
                }
                if (attempt >= REBIND_TRIES) {
                    throw new ServerException.PortInUse(host, port, b);
                }
                try {
                    Thread.sleep(REBIND_PAUSE_MS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ServerException.PortInUse(host, port, b);
                }
            }
        }
    }

    /** Connections over the cap are closed at once; a connection that sends no request in time is closed too. */
    private void connected(Vertx vertx, HttpConnection c) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            LOG.debug("connection from {} refused: server.max-connections ({}) open", c.remoteAddress(),
                    limits.maxConnections());
            c.close();
            return;
        }
        long timer = vertx.setTimer(limits.header().toMillis(), t -> {
            if (awaitingFirstRequest.remove(c) != null) {
                c.close();
            }
        });
        awaitingFirstRequest.put(c, timer);
        c.closeHandler(v -> {
            open.decrementAndGet();
            Long pending = awaitingFirstRequest.remove(c);
            if (pending != null) {
                vertx.cancelTimer(pending);
            }
        });
    }

    /** What the HTTP decoder refused (a request line or headers over their caps, bad syntax), in the error shape. */
    private void invalid(HttpServerRequest req) {
        Throwable failure = req.decoderResult().cause();
        String why = failure == null ? "" : failure.getMessage();
        if (failure instanceof io.netty.handler.codec.TooLongFrameException) {
            if (why != null && why.contains("header")) {
                errors.write(req, dev.toploras.errors.ErrorCode.HEADERS_TOO_LARGE, "the request headers are over "
                        + "server.max-header-bytes (" + limits.maxHeaderBytes() + ")");
            } else {
                errors.write(req, dev.toploras.errors.ErrorCode.URI_TOO_LONG, "the request line is over "
                        + "server.max-initial-line-bytes (" + limits.maxInitialLineBytes() + ")");
            }
        } else {
            errors.write(req, dev.toploras.errors.ErrorCode.INVALID_REQUEST, "the HTTP request could not be parsed"
                    + (why == null || why.isBlank() ? "" : ": " + why));
        }
        req.connection().close();
    }

    int openConnections() {
        return open.get();
    }

    private static <T> T await(io.vertx.core.Future<T> f, String what) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new ServerException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ServerException(what + " did not finish within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerException(what + " was interrupted", e);
        }
    }
}
