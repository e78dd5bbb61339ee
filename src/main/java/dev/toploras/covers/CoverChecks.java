package dev.toploras.covers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.CatalogRun;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.core.AtomicFiles;
import dev.toploras.core.SafeName;
import dev.toploras.modelscope.UpstreamErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.Variable;

/**
 * The rules a cover must pass; the HTTP calls are camel-http steps of routes/covers.camel.yaml. The route asks
 * {@link #begin} for a {@link CoverFetch}, sends the request it describes, and hands each reply to {@link #reply},
 * which decides: follow a redirect (hop by hop, because the CDN sends Locations with raw spaces, and because each
 * hop decides afresh whether its host may see the token: only after a 401/403, only on a cover host), keep the
 * stored copy (304), ask again with the token, reject, or store the image (type, size cap, magic bytes, atomic).
 * Files are named from a hash of the model id, never from the id or title.
 */
public final class CoverChecks {
    static final int MAX_REDIRECTS = 5;
    private final ObjectMapper json;
    private final long maxBytes;
    private final Set<String> coverHosts;
    private final Supplier<Optional<String>> token;

    public CoverChecks(ObjectMapper json, long maxBytes, Set<String> coverHosts, Supplier<Optional<String>> token) {
        this.json = json;
        this.maxBytes = maxBytes;
        this.coverHosts = coverHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.token = token;
    }

    /** The first request for a record's cover; a record without a cover URL gets a fetch that is already done. */
    public CoverFetch begin(String id, String url, Path dir) {
        if (url == null || url.isBlank()) {
            return CoverFetch.finished(id, dir, CoverOutcome.none());
        }
        String name = SafeName.hashOf(id);
        CoverMeta previous = readMeta(dir.resolve(name + ".meta.json"), url, dir).orElse(null);
        try {
            return new CoverFetch(id, url, dir, name, previous, lenientUri(url));
        } catch (CoverRejectedException e) {
            return CoverFetch.finished(id, dir, failed(id, previous, dir, e.getMessage()));
        }
    }

    /**
     * {@link #begin} for the record and run the covers route holds in variables, bound by name: cheaper per cover
     * than a method expression, whose OGNL arguments Camel resolves by introspecting the record on every call.
     */
    public CoverFetch beginFor(@Variable("record") LoraRecord record, @Variable("run") CatalogRun run) {
        return begin(record.id(), record.coverUrl(), run.getImagesDir());
    }

    /** The covers route's loop condition: true while the fetch wants another request. */
    public boolean again(@Variable("cover") CoverFetch fetch) {
        return fetch.isAgain();
    }

    /**
     * Decides what one reply means for the fetch; reads (and closes) the body only when it is the image. Bound by
     * annotation, not by a method expression: Camel strips the quotes of an ETag passed as a method argument.
     */
    public void reply(@Variable("cover") CoverFetch fetch, @Header(Exchange.HTTP_RESPONSE_CODE) int status,
                      @Header("Content-Type") String contentType, @Header("Content-Length") String contentLength,
                      @Header("Location") String location, @Header("ETag") String etag,
                      @Header("Last-Modified") String lastModified, @Body InputStream body) {
        try (InputStream in = body == null ? InputStream.nullInputStream() : body) {
            String host = fetch.host();
            if (status >= 300 && status < 400 && status != 304) {
                if (location == null || location.isBlank()) {
                    throw new CoverRejectedException("redirect " + status + " without a Location");
                }
                if (fetch.hops() >= MAX_REDIRECTS) {
                    throw new CoverRejectedException("more than " + MAX_REDIRECTS + " redirects");
                }
                fetch.redirectTo(fetch.uri().resolve(lenientUri(location)));
                return;
            }
            if (status == 304 && fetch.previous() != null) {
                fetch.finish(new CoverOutcome(fetch.dir().resolve(fetch.previous().file()), null, false, true));
                return;
            }
            if ((status == 401 || status == 403) && !fetch.tokenTried() && coverHosts.contains(host)
                    && token.get().isPresent()) {
                fetch.retryWithToken();
                return;
            }
            if (status / 100 != 2) {
                throw new CoverRejectedException("HTTP " + status + " from " + host);
            }
            fetch.finish(store(fetch, in, host, contentType, contentLength, etag, lastModified));
        } catch (CoverRejectedException | IOException e) {
            fail(fetch, e.getMessage());
        }
    }

    /**
     * Puts the next hop's request headers on the message: its URL (camel-http's CamelHttpUri), the stored copy's
     * validators and, only where {@link #authorization} allows, the token. Headers with no value are left out.
     */
    public void request(@Variable("cover") CoverFetch fetch, Message message) {
        message.setHeader(Exchange.HTTP_URI, fetch.getUrl());
        setIfPresent(message, "If-None-Match", fetch.getIfNoneMatch());
        setIfPresent(message, "If-Modified-Since", fetch.getIfModifiedSince());
        setIfPresent(message, "Authorization", authorization(fetch));
    }

    private static void setIfPresent(Message message, String name, String value) {
        if (value != null) {
            message.setHeader(name, value);
        }
    }

    /** The call itself failed (timeout, connection refused): the fetch ends with a warning. */
    public void failed(CoverFetch fetch, Throwable why) {
        Throwable meaning = UpstreamErrors.translate(why, "cover host " + fetch.host());
        fail(fetch, meaning.getMessage());
    }

    private void fail(CoverFetch fetch, String why) {
        fetch.finish(failed(fetch.id(), fetch.previous(), fetch.dir(), why));
    }

    /** The Authorization header value for this hop, or null: only after a 401/403, only to a cover host. */
    String authorization(CoverFetch fetch) {
        if (!fetch.tokenTried() || !coverHosts.contains(fetch.host())) {
            return null;
        }
        return token.get().map(t -> "Bearer " + t).orElse(null);
    }

    private static CoverOutcome failed(String id, CoverMeta previous, Path dir, String why) {
        String warning = "cover of " + id + " not stored: " + why;
        if (previous != null) {
            return new CoverOutcome(dir.resolve(previous.file()), warning + " (kept the copy from before)", false, false);
        }
        return new CoverOutcome(null, warning, false, false);
    }

    private CoverOutcome store(CoverFetch fetch, InputStream in, String host, String contentType, String contentLength,
                               String etag, String lastModified) throws IOException {
        String type = contentType == null ? "" : contentType;
        if (!type.toLowerCase(Locale.ROOT).startsWith("image/")) {
            throw new CoverRejectedException("not an image: Content-Type '" + type + "' from " + host);
        }
        long declared = parseLength(contentLength);
        if (declared > maxBytes) {
            throw new CoverRejectedException(declared + " bytes is over covers.max-bytes (" + maxBytes + ")");
        }
        byte[] head = in.readNBytes(16);
        ImageKind kind = ImageKind.sniff(head, head.length).orElseThrow(() -> new CoverRejectedException(
                "not an image: the content does not start like PNG, JPEG, GIF, WebP or AVIF"));
        Path dir = fetch.dir();
        Path tmp = AtomicFiles.tempBeside(dir.resolve("cover"));
        long bytes;
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(head);
                long rest = AtomicFiles.copyCapped(in, out, maxBytes - head.length);
                if (rest < 0) {
                    throw new CoverRejectedException("over covers.max-bytes (" + maxBytes + ")");
                }
                bytes = head.length + rest;
            }
            Path target = dir.resolve(fetch.name() + "." + kind.extension());
            AtomicFiles.moveIntoPlace(tmp, target);
            CoverMeta meta = new CoverMeta(fetch.sourceUrl(), target.getFileName().toString(), etag, lastModified,
                    kind.mime(), bytes);
            AtomicFiles.write(dir.resolve(fetch.name() + ".meta.json"), json.writeValueAsBytes(meta));
            CoverMeta previous = fetch.previous();
            if (previous != null && !previous.file().equals(meta.file())) {
                AtomicFiles.deleteQuietly(dir.resolve(previous.file()));
            }
            return new CoverOutcome(target, null, true, false);
        } finally {
            AtomicFiles.deleteQuietly(tmp);
        }
    }

    private static long parseLength(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
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
