package dev.toploras.covers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.SafeName;
import dev.toploras.modelscope.UpstreamErrors;
import dev.toploras.storage.AtomicFiles;
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
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The rules a cover must pass; the HTTP calls are camel-http steps of routes/covers.camel.yaml. The route asks
 * {@link #begin} for the {@link CoverFetch} of a {@link CoverTarget}, sends the request it describes, gets the next
 * fetch from {@link #reply}, and ends with the {@link #result} of the last one. {@link #reply} decides: follow a
 * redirect (hop by hop, because the CDN sends Locations with raw spaces, and because each
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

    /**
     * The fetch of a target's cover, at its first request; a record without a cover URL gets a fetch that is already
     * done.
     */
    public CoverFetch begin(CoverTarget target) {
        String id = target.record().id();
        String url = target.record().coverUrl();
        Path dir = target.dir();
        if (url == null || url.isBlank()) {
            return CoverFetch.finished(target, CoverOutcome.none());
        }
        String name = SafeName.hashOf(id);
        CoverMeta previous = readMeta(dir.resolve(name + ".meta.json"), url, dir).orElse(null);
        try {
            return CoverFetch.first(target, name, previous, lenientUri(url));
        } catch (CoverRejectedException e) {
            return CoverFetch.finished(target, failed(id, previous, dir, e.getMessage()));
        }
    }

    /** What covers-fetch turns its target into once the loop ended: the target and what became of its cover. */
    public CoverResult result(CoverFetch fetch) {
        return fetch.getResult();
    }

    /** The covers-fetch loop's condition: true while the fetch wants another request. */
    public boolean again(CoverFetch fetch) {
        return fetch.isAgain();
    }

    /**
     * What one reply means for the fetch: the next fetch (redirected, or once more with the token) or the finished
     * one. Reads (and closes) the reply's body only when it is the image. The reply's headers are read here, not
     * passed as method arguments: Camel strips the quotes of an ETag passed as one.
     */
    public CoverFetch reply(CoverFetch fetch, Message reply) {
        Integer status = reply.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        InputStream body = reply.getBody(InputStream.class);
        try (InputStream in = body == null ? InputStream.nullInputStream() : body) {
            return decide(fetch, status == null ? 0 : status, reply, in);
        } catch (CoverRejectedException | IOException e) {
            return fail(fetch, e.getMessage());
        }
    }

    private CoverFetch decide(CoverFetch fetch, int status, Message reply, InputStream in) throws IOException {
        String host = fetch.host();
        if (status >= 300 && status < 400 && status != 304) {
            String location = reply.getHeader("Location", String.class);
            if (location == null || location.isBlank()) {
                throw new CoverRejectedException("redirect " + status + " without a Location");
            }
            if (fetch.hops() >= MAX_REDIRECTS) {
                throw new CoverRejectedException("more than " + MAX_REDIRECTS + " redirects");
            }
            return fetch.redirectedTo(fetch.uri().resolve(lenientUri(location)));
        }
        if (status == 304 && fetch.previous() != null) {
            return fetch.finish(new CoverOutcome(fetch.dir().resolve(fetch.previous().file()), null, false, true));
        }
        if ((status == 401 || status == 403) && !fetch.tokenTried() && coverHosts.contains(host)
                && token.get().isPresent()) {
            return fetch.withToken();
        }
        if (status / 100 != 2) {
            throw new CoverRejectedException("HTTP " + status + " from " + host);
        }
        return fetch.finish(store(fetch, in, host, reply.getHeader("Content-Type", String.class),
                reply.getHeader("Content-Length", String.class), reply.getHeader("ETag", String.class),
                reply.getHeader("Last-Modified", String.class)));
    }

    /**
     * Puts the next hop's request headers on the message: its URL (camel-http's CamelHttpUri), the stored copy's
     * validators and, only where {@link #authorization} allows, the token. Headers with no value are left out.
     */
    public void request(CoverFetch fetch, Message message) {
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
    public CoverFetch failed(CoverFetch fetch, Throwable why) {
        Throwable meaning = UpstreamErrors.translate(why, "cover host " + fetch.host());
        return fail(fetch, meaning.getMessage());
    }

    private CoverFetch fail(CoverFetch fetch, String why) {
        return fetch.finish(failed(fetch.id(), fetch.previous(), fetch.dir(), why));
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
