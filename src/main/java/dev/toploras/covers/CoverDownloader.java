package dev.toploras.covers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.SafeName;
import dev.toploras.modelscope.UpstreamException;
import dev.toploras.modelscope.UpstreamHttp;
import dev.toploras.storage.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Downloads one cover into the images folder. Files are named from a hash of the model id, never from the id or
 * title. Redirects are followed here, hop by hop, because the CDN sends Locations with raw spaces and because
 * each hop decides afresh whether its host may see the token: only after a 401/403, only on a cover host.
 */
public final class CoverDownloader {
    private static final int MAX_REDIRECTS = 5;
    private final UpstreamHttp http;
    private final ObjectMapper json;
    private final long maxBytes;
    private final Set<String> coverHosts;
    private final Supplier<Optional<String>> token;

    public CoverDownloader(UpstreamHttp http, ObjectMapper json, long maxBytes, Set<String> coverHosts,
                           Supplier<Optional<String>> token) {
        this.http = http;
        this.json = json;
        this.maxBytes = maxBytes;
        this.coverHosts = coverHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(
                java.util.stream.Collectors.toUnmodifiableSet());
        this.token = token;
    }

    public CoverOutcome download(String id, String url, Path dir) {
        if (url == null || url.isBlank()) {
            return CoverOutcome.none();
        }
        String name = SafeName.hashOf(id);
        Path metaFile = dir.resolve(name + ".meta.json");
        CoverMeta previous = readMeta(metaFile, url, dir).orElse(null);
        try {
            Fetched fetched = fetch(url, previous, dir);
            if (fetched == null) {
                return new CoverOutcome(dir.resolve(previous.file()), null, false, true);
            }
            Path target = dir.resolve(name + "." + fetched.kind.extension());
            AtomicFiles.moveIntoPlace(fetched.tmp, target);
            CoverMeta meta = new CoverMeta(url, target.getFileName().toString(), fetched.etag, fetched.lastModified,
                    fetched.kind.mime(), fetched.bytes);
            AtomicFiles.write(metaFile, json.writeValueAsBytes(meta));
            if (previous != null && !previous.file().equals(meta.file())) {
                AtomicFiles.deleteQuietly(dir.resolve(previous.file()));
            }
            return new CoverOutcome(target, null, true, false);
        } catch (UpstreamException | CoverRejectedException | IOException e) {
            String why = "cover of " + id + " not stored: " + e.getMessage();
            if (previous != null) {
                return new CoverOutcome(dir.resolve(previous.file()), why + " (kept the copy from before)", false, false);
            }
            return new CoverOutcome(null, why, false, false);
        }
    }

    private record Fetched(Path tmp, ImageKind kind, String etag, String lastModified, long bytes) {
    }

    /** The image in a temp file, or null when the server says the stored copy is still current. */
    private Fetched fetch(String url, CoverMeta previous, Path dir) throws IOException {
        URI current = lenientUri(url);
        boolean tokenTried = false;
        for (int hop = 0; hop <= MAX_REDIRECTS; ) {
            String host = current.getHost() == null ? "" : current.getHost().toLowerCase(Locale.ROOT);
            HttpRequest.Builder req = http.request(current).header("Accept", "image/*").GET();
            if (previous != null && previous.etag() != null) {
                req.header("If-None-Match", previous.etag());
            }
            if (previous != null && previous.lastModified() != null) {
                req.header("If-Modified-Since", previous.lastModified());
            }
            Optional<String> bearer = tokenTried && coverHosts.contains(host) ? token.get() : Optional.empty();
            bearer.ifPresent(t -> req.header("Authorization", "Bearer " + t));
            HttpResponse<InputStream> reply = http.stream(req.build(), "cover host " + host);
            int status = reply.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                reply.body().close();
                String location = reply.headers().firstValue("Location").orElseThrow(
                        () -> new CoverRejectedException("redirect " + status + " without a Location"));
                current = current.resolve(lenientUri(location));
                hop++;
                continue;
            }
            if (status == 304 && previous != null) {
                reply.body().close();
                return null;
            }
            if ((status == 401 || status == 403) && !tokenTried && coverHosts.contains(host)
                    && token.get().isPresent()) {
                reply.body().close();
                tokenTried = true;
                continue;
            }
            if (status / 100 != 2) {
                reply.body().close();
                throw new CoverRejectedException("HTTP " + status + " from " + host);
            }
            return store(reply, host, dir);
        }
        throw new CoverRejectedException("more than " + MAX_REDIRECTS + " redirects");
    }

    private Fetched store(HttpResponse<InputStream> reply, String host, Path dir) throws IOException {
        try (InputStream in = reply.body()) {
            String type = reply.headers().firstValue("Content-Type").orElse("");
            if (!type.toLowerCase(Locale.ROOT).startsWith("image/")) {
                throw new CoverRejectedException("not an image: Content-Type '" + type + "' from " + host);
            }
            long declared = reply.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                throw new CoverRejectedException(declared + " bytes is over covers.max-bytes (" + maxBytes + ")");
            }
            byte[] head = in.readNBytes(16);
            ImageKind kind = ImageKind.sniff(head, head.length).orElseThrow(() -> new CoverRejectedException(
                    "not an image: the content does not start like PNG, JPEG, GIF, WebP or AVIF"));
            Path tmp = AtomicFiles.tempBeside(dir.resolve("cover"));
            boolean ok = false;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(head);
                long rest = AtomicFiles.copyCapped(in, out, maxBytes - head.length);
                if (rest < 0) {
                    throw new CoverRejectedException("over covers.max-bytes (" + maxBytes + ")");
                }
                ok = true;
                return new Fetched(tmp, kind, reply.headers().firstValue("ETag").orElse(null),
                        reply.headers().firstValue("Last-Modified").orElse(null), head.length + rest);
            } finally {
                if (!ok) {
                    AtomicFiles.deleteQuietly(tmp);
                }
            }
        }
    }

    private Optional<CoverMeta> readMeta(Path metaFile, String url, Path dir) {
        try {
            Files.createDirectories(dir);
            if (!Files.isRegularFile(metaFile)) {
                return Optional.empty();
            }
            CoverMeta meta = json.readValue(metaFile.toFile(), CoverMeta.class);
            boolean same = url.equals(meta.sourceUrl()) && meta.file() != null
                    && !meta.file().contains("/") && Files.isRegularFile(dir.resolve(meta.file()));
            return same ? Optional.of(meta) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // an unreadable sidecar only costs a fresh download
        }
    }

    /** Accepts what real servers send: raw spaces and other characters a strict URI parser refuses. */
    static URI lenientUri(String raw) {
        try {
            return new URI(raw.trim());
        } catch (URISyntaxException e) {
            StringBuilder sb = new StringBuilder();
            for (byte b : raw.trim().getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
                    sb.append('%').append(String.format("%02X", c));
                } else {
                    sb.append((char) c);
                }
            }
            try {
                return new URI(sb.toString());
            } catch (URISyntaxException e2) {
                throw new CoverRejectedException("unusable URL '" + raw + "': " + e2.getReason());
            }
        }
    }
}
