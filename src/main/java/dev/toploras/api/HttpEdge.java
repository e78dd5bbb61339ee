package dev.toploras.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * What the HTTP server does before and beside the REST routes, at the Vert.x level: the API key check, the request
 * size caps (api.max-body-bytes; inputs.max-bytes for uploads), CORS, and the two asset folders. Assets are served here (not by platform-http's static serving, which
 * would expose the whole working directory) with a path check that nothing outside their folder is reachable. The web
 * gallery ({@link WebApp}) is mounted here too, from the classpath only.
 */
public final class HttpEdge {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpEdge.class);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final Map<String, String> TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg",
            "image/jpeg", "gif", "image/gif", "webp", "image/webp", "avif", "image/avif", "json",
            "application/json; charset=utf-8");
    private final String apiKey;
    private final long maxBodyBytes;
    private final List<String> corsOrigins;
    private final Path covers;
    private final Path outputs;
    private final EventStream events;
    private final ObjectMapper json;
    private final ServerLimits limits;

    public HttpEdge(String apiKey, long maxBodyBytes, List<String> corsOrigins, Path covers, Path outputs,
                    EventStream events, ObjectMapper json, ServerLimits limits) {
        this.limits = limits;
        this.events = events;
        this.apiKey = apiKey == null ? "" : apiKey;
        this.maxBodyBytes = maxBodyBytes;
        this.corsOrigins = List.copyOf(corsOrigins);
        this.covers = covers.toAbsolutePath().normalize();
        this.outputs = outputs.toAbsolutePath().normalize();
        this.json = json;
    }

    /**
     * Refuses a bind beyond loopback without an API key: anyone on the network could spend the user's quota. Checked
     * on the resolved camel.server.host before start, and again by {@link EdgeServer} on the address Camel bound.
     */
    public static void checkExposure(String host, String apiKey) {
        if ((apiKey == null || apiKey.isBlank()) && !isLoopback(host)) {
            throw new ServerException.Exposed(host);
        }
    }

    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.trim();
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.:\\[\\]a-fA-F]+")) {
            return false; // a name other than localhost: never resolved here, never trusted as loopback
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A job's stored input image by job id and file name ({@code <index>.<ext>}), when it has one. */
    public interface InputAssets {
        java.util.Optional<Path> find(String jobId, String file);
    }

    /** The one path whose body is an image, capped by inputs.max-bytes instead of api.max-body-bytes. */
    static final String UPLOADS = "/api/v1/uploads";
    private InputAssets inputAssets;
    private dev.toploras.inputs.InputLinks inputLinks;
    private long maxUploadBytes = -1;

    /**
     * Serves /assets/{job_id}/inputs/{index}.{ext} and the unguessable /public/inputs/ links ModelScope fetches, and
     * takes upload bodies up to {@code maxUploadBytes} (inputs.max-bytes).
     */
    public void inputs(InputAssets assets, dev.toploras.inputs.InputLinks links, long maxUploadBytes) {
        this.inputAssets = assets;
        this.inputLinks = links;
        this.maxUploadBytes = maxUploadBytes;
    }

    private boolean isUpload(RoutingContext ctx) {
        return maxUploadBytes >= 0 && ctx.request().method() == HttpMethod.POST
                && UPLOADS.equals(ctx.normalizedPath());
    }

    /** The body cap of this request and the setting that sets it. */
    private long cap(RoutingContext ctx) {
        return isUpload(ctx) ? maxUploadBytes : maxBodyBytes;
    }

    private String capKey(RoutingContext ctx) {
        return isUpload(ctx) ? "inputs.max-bytes" : "api.max-body-bytes";
    }

    private void tooLarge(RoutingContext ctx) {
        error(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "the request body is over " + capKey(ctx) + " (" + cap(ctx) + ")");
    }

    public void install(CamelContext camel, int port) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(camel,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        new EdgeServer(limits, apiKey, this::error).takeOver(router, port);
        if (!corsOrigins.isEmpty()) {
            router.route().order(-2000).handler(CorsHandler.create().addOrigins(corsOrigins)
                    .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
                    .allowedHeaders(Set.of("Content-Type", "Authorization", "X-API-Key", "X-ModelScope-Token",
                            "Last-Event-ID")));
        }
        // Every failure of any route (a body over the cap, a client hanging up mid-request) comes through failed().
        router.route().order(-3000).failureHandler(this::failed);
        router.route("/api/*").order(-1000).handler(this::guard);
        // The body is read here, before platform-http's own body handler (which then leaves it be: Vert.x reads a
        // body once per request), so each path gets its own cap: an upload is an image (inputs.max-bytes), every
        // other body is JSON (api.max-body-bytes), chunked or not. No multipart files are written anywhere.
        io.vertx.ext.web.handler.BodyHandler jsonBody = io.vertx.ext.web.handler.BodyHandler.create(false)
                .setBodyLimit(maxBodyBytes);
        io.vertx.ext.web.handler.BodyHandler uploadBody = io.vertx.ext.web.handler.BodyHandler.create(false)
                .setBodyLimit(Math.max(0, maxUploadBytes));
        router.route("/api/*").order(-999).handler(c -> (isUpload(c) ? uploadBody : jsonBody).handle(c));
        router.route("/assets/*").order(-1000).handler(this::guard);
        // SSE is a long-lived, streamed response: served here rather than through a Camel exchange.
        // Camel writes the OpenAPI description's server from X-Forwarded-Host (useXForwardHeaders), else from the
        // bind address (http://0.0.0.0): the Host the client asked is the URL it reached this server at.
        router.route(HttpMethod.GET, "/api/openapi.json").order(-900).handler(c -> {
            String host = c.request().getHeader("Host");
            if (c.request().getHeader("X-Forwarded-Host") == null && host != null && host.matches("[A-Za-z0-9.:\\[\\]-]{1,300}")) {
                c.request().headers().set("X-Forwarded-Host", host);
                if (c.request().getHeader("X-Forwarded-Proto") == null) {
                    c.request().headers().set("X-Forwarded-Proto", c.request().scheme());
                }
            }
            c.next();
        });
        router.route(HttpMethod.GET, "/api/v1/generate/:job_id/events").order(-900)
                .handler(c -> events.handle(c, c.pathParam("job_id")));
        router.route(HttpMethod.GET, "/assets/covers/*").order(-900).handler(c -> serve(c, "/assets/covers/", covers,
                "public, max-age=300"));
        router.route(HttpMethod.GET, "/assets/outputs/*").order(-900).handler(c -> serve(c, "/assets/outputs/",
                outputs, "public, max-age=60"));
        if (inputAssets != null) {
            router.route(HttpMethod.GET, "/assets/:job_id/inputs/:file").order(-900).handler(c -> {
                String jobId = c.pathParam("job_id");
                java.util.Optional<Path> file = dev.toploras.jobs.JobId.valid(jobId)
                        ? inputAssets.find(jobId, c.pathParam("file")) : java.util.Optional.empty();
                serveFile(c, file.orElse(null), "private, max-age=300");
            });
            // No API key here: ModelScope fetches these itself; the keyed name is what keeps them private.
            router.route(HttpMethod.GET, dev.toploras.inputs.InputLinks.prefix() + ":file").order(-900).handler(c ->
                    serveFile(c, inputLinks.publicFile(c.pathParam("file")).orElse(null), "private, max-age=300"));
        }
        new WebApp().install(router);
        // What no route took, in the API's error shape rather than Vert.x's plain text. Vert.x tells apart a path
        // nobody serves (404), a method the path does not take (405) and a body type the route does not take (415).
        router.errorHandler(404, c -> error(c, ErrorCode.NOT_FOUND, "nothing at " + c.normalizedPath()));
        router.errorHandler(405, c -> error(c, ErrorCode.METHOD_NOT_ALLOWED, c.request().method() + " is not "
                + "served at " + c.normalizedPath() + "; see /api/openapi.json for the methods of each path"));
        router.errorHandler(415, c -> error(c, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as JSON with "
                + "'Content-Type: application/json'"));
        router.errorHandler(413, this::tooLarge);
        router.errorHandler(400, c -> error(c, ErrorCode.INVALID_REQUEST, "the request could not be read"
                + (c.failure() == null ? "" : ": " + c.failure().getMessage())));
    }

    /**
     * A failure no route handled. A client that hung up (closed connection, reset, broken pipe) is its own doing and
     * logged at DEBUG; anything else is ours: logged with its stack, answered as internal_error.
     */
    private void failed(RoutingContext ctx) {
        Throwable t = ctx.failure();
        if (t instanceof io.vertx.core.http.HttpClosedException || t instanceof IOException
                || ctx.response().closed()) {
            LOG.debug("client went away during {} {}: {}", ctx.request().method(), ctx.normalizedPath(), t);
            return;
        }
        switch (ctx.statusCode()) {
            case 413 -> tooLarge(ctx);
            case 400 -> error(ctx, ErrorCode.INVALID_REQUEST, "the request could not be read"
                    + (t == null ? "" : ": " + t.getMessage()));
            default -> {
                LOG.error("HTTP request {} {} failed with status {}", ctx.request().method(), ctx.normalizedPath(),
                        ctx.statusCode(), t);
                error(ctx, ErrorCode.INTERNAL_ERROR, "internal error; the server log has the details");
            }
        }
    }

    private void guard(RoutingContext ctx) {
        if (!apiKey.isEmpty() && !authorized(ctx)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            // A wrong key and no key are different mistakes: say which (never what the key is).
            error(ctx, ErrorCode.UNAUTHORIZED, givenKey(ctx) == null
                    ? "this runtime needs its API key: send it as 'Authorization: Bearer <key>' or 'X-API-Key'"
                    : "the API key sent is not this runtime's api.key: check the key you were given");
            return;
        }
        String length = ctx.request().getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > cap(ctx)) {
            error(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "request body of " + length + " bytes is over " + capKey(ctx)
                    + " (" + cap(ctx) + ")");
            return;
        }
        ctx.next();
    }

    private static String givenKey(RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim()
                : ctx.request().getHeader("X-API-Key");
    }

    private boolean authorized(RoutingContext ctx) {
        String given = givenKey(ctx);
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                apiKey.getBytes(StandardCharsets.UTF_8));
    }

    private void serve(RoutingContext ctx, String prefix, Path root, String cacheControl) {
        serveFile(ctx, resolve(root, ctx.normalizedPath(), prefix), cacheControl);
    }

    private void serveFile(RoutingContext ctx, Path file, String cacheControl) {
        if (file == null) {
            error(ctx, ErrorCode.NOT_FOUND, "no such asset");
            return;
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            String etag = "\"" + attrs.size() + "-" + attrs.lastModifiedTime().toMillis() + "\"";
            String name = file.getFileName().toString();
            String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            ctx.response().putHeader("ETag", etag)
                    .putHeader("Last-Modified", HTTP_DATE.format(attrs.lastModifiedTime().toInstant()))
                    .putHeader("Cache-Control", ext.equals("json") ? "no-cache" : cacheControl)
                    .putHeader("X-Content-Type-Options", "nosniff");
            if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
                ctx.response().setStatusCode(304).end();
                return;
            }
            ctx.response().putHeader("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"))
                    .sendFile(file.toString());
        } catch (IOException e) {
            error(ctx, ErrorCode.NOT_FOUND, "no such asset");
        }
    }

    /**
     * The URL under {@code prefix} that serves {@code relativeToHome} (a path as the stores record it, relative to
     * {@code home}), or null when the file is not under {@code root}: the reverse of {@link #resolve}.
     */
    public static String assetUrl(Path home, Path root, String prefix, String relativeToHome) {
        if (relativeToHome == null) {
            return null;
        }
        Path file = home.resolve(relativeToHome).normalize();
        return file.startsWith(root) ? prefix + root.relativize(file).toString().replace('\\', '/') : null;
    }

    /**
     * The file a request path names under {@code root}, or null. Vert.x has already decoded and normalised the path
     * (so {@code %2e%2e} and {@code ..} are gone); this still refuses anything that would leave the folder: absolute
     * remainders, backslashes, NUL, and symbolic links that point out.
     */
    static Path resolve(Path root, String normalizedPath, String prefix) {
        if (normalizedPath == null || !normalizedPath.startsWith(prefix)) {
            return null;
        }
        String rel = normalizedPath.substring(prefix.length());
        if (rel.isEmpty() || rel.startsWith("/") || rel.contains("\\") || rel.contains("\0") || rel.contains("..")
                || rel.contains(":")) {
            return null;
        }
        Path candidate = root.resolve(rel).normalize();
        if (!candidate.startsWith(root) || !Files.isRegularFile(candidate, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            Path realRoot = root.toRealPath();
            return candidate.toRealPath().startsWith(realRoot) ? candidate : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void error(RoutingContext ctx, ErrorCode code, String message) {
        error(ctx.request(), code, message);
    }

    private void error(io.vertx.core.http.HttpServerRequest request, ErrorCode code, String message) {
        io.vertx.core.http.HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        try {
            byte[] body = json.writeValueAsBytes(Map.of("error", Problem.of(code, message)));
            if (response.headWritten()) {
                response.end();
                return;
            }
            response.setStatusCode(code.httpStatus()).putHeader("Content-Type", "application/json; charset=utf-8")
                    .end(io.vertx.core.buffer.Buffer.buffer(body));
        } catch (IOException e) {
            response.setStatusCode(500).end();
        }
    }
}
