package dev.toploras.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web gallery: {@code /} is {@code web/index.html} from the classpath and {@code /web/<file>} the other files of
 * that folder in the jar. Nothing on disk is reachable through it, only names made of plain characters with a known
 * extension, read once and kept. The page talks to the public API only.
 */
public final class WebApp {
    static final String ROOT = "web/";
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+(/[a-z0-9_-]+)*\\.(html|js|css|svg|ico)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "ico",
            "image/x-icon");
    /**
     * Scripts, styles and data only from this origin; images from here (covers, outputs), https (ModelScope avatars)
     * or blob: (covers fetched with the API key when one is set), never {@code data:}; no framing.
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: blob:; "
            + "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    private final ClassLoader loader;
    /**
     * Every file of the jar's web/ folder, read once at start. A request never asks the class loader for a name: the
     * JDK's loader keeps something for every missing name it is asked for (about 250 bytes each), so names any
     * client can make up (this path needs no key) would fill the heap. A miss is a lookup in this map, nothing more.
     */
    private final Map<String, Asset> assets;

    public WebApp() {
        this(WebApp.class.getClassLoader());
    }

    WebApp(ClassLoader loader) {
        this.loader = loader;
        Map<String, Asset> found = new java.util.HashMap<>();
        for (String name : names(loader)) {
            load(name).ifPresent(a -> found.put(name, a));
        }
        this.assets = Map.copyOf(found);
    }

    /** The names under web/ in the jar (or the classes folder when run from a build), relative to web/. */
    static java.util.List<String> names(ClassLoader loader) {
        java.net.URL index = loader.getResource(ROOT + "index.html");
        if (index == null) {
            return java.util.List.of();
        }
        try {
            if ("jar".equals(index.getProtocol())) {
                java.net.URL jarUrl = ((java.net.JarURLConnection) index.openConnection()).getJarFileURL();
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(java.nio.file.Path.of(jarUrl.toURI())
                        .toFile())) {
                    return jar.stream().map(java.util.zip.ZipEntry::getName)
                            .filter(n -> n.startsWith(ROOT) && !n.endsWith("/"))
                            .map(n -> n.substring(ROOT.length())).filter(n -> NAME.matcher(n).matches()).toList();
                }
            }
            java.nio.file.Path dir = java.nio.file.Path.of(index.toURI()).getParent();
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
                return files.filter(java.nio.file.Files::isRegularFile)
                        .map(f -> dir.relativize(f).toString().replace('\\', '/'))
                        .filter(n -> NAME.matcher(n).matches()).toList();
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot list the web page's files at " + index + ": " + e.getMessage(), e);
        }
    }

    record Asset(byte[] bytes, String type, String etag) {
    }

    public void install(Router router) {
        router.route(HttpMethod.GET, "/").order(-900).handler(c -> serve(c, "index.html"));
        // Browsers ask for /favicon.ico whatever the page links: the same icon.
        router.route(HttpMethod.GET, "/favicon.ico").order(-900).handler(c -> serve(c, "favicon.svg"));
        router.route(HttpMethod.GET, "/web/*").order(-900).handler(c -> serve(c, c.normalizedPath().substring(5)));
    }

    private void serve(RoutingContext ctx, String name) {
        Optional<Asset> asset = find(name);
        if (asset.isEmpty()) {
            ctx.next(); // the edge's JSON 404
            return;
        }
        Asset a = asset.get();
        ctx.response().putHeader("Content-Type", a.type()).putHeader("ETag", a.etag())
                .putHeader("Cache-Control", "no-cache").putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
        if (a.type().startsWith("text/html")) {
            ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Frame-Options", "DENY");
        }
        if (a.etag().equals(ctx.request().getHeader("If-None-Match"))) {
            ctx.response().setStatusCode(304).end();
            return;
        }
        ctx.response().end(Buffer.buffer(a.bytes()));
    }

    Optional<Asset> find(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(assets.get(name));
    }

    int cached() {
        return assets.size();
    }

    private Optional<Asset> load(String name) {
        try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String ext = name.substring(name.lastIndexOf('.') + 1);
            return Optional.of(new Asset(bytes, TYPES.get(ext), "\"" + sha256(bytes).substring(0, 16) + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
