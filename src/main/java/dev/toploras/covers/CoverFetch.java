package dev.toploras.covers;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One cover being fetched, hop by hop: what the next request is (URL, validators, whether the token may go with it)
 * and, once done, the outcome. The covers route keeps it in a variable and loops while {@link #isAgain()}.
 */
public final class CoverFetch {
    private final String id;
    private final String sourceUrl;
    private final Path dir;
    private final String name;
    private final CoverMeta previous;
    private URI uri;
    private int hops;
    private boolean tokenTried;
    private CoverOutcome outcome;

    CoverFetch(String id, String sourceUrl, Path dir, String name, CoverMeta previous, URI uri) {
        this.id = id;
        this.sourceUrl = sourceUrl;
        this.dir = dir;
        this.name = name;
        this.previous = previous;
        this.uri = uri;
    }

    static CoverFetch finished(String id, Path dir, CoverOutcome outcome) {
        CoverFetch f = new CoverFetch(id, null, dir, null, null, null);
        f.outcome = outcome;
        return f;
    }

    /** True while another request is wanted. */
    public boolean isAgain() {
        return outcome == null;
    }

    /** The next request's URL, already escaped (camel-http takes it as the CamelHttpUri header). */
    public String getUrl() {
        return uri == null ? null : uri.toASCIIString();
    }

    public String getIfNoneMatch() {
        return previous == null ? null : previous.etag();
    }

    public String getIfModifiedSince() {
        return previous == null ? null : previous.lastModified();
    }

    public CoverOutcome getOutcome() {
        return outcome;
    }

    String id() {
        return id;
    }

    String sourceUrl() {
        return sourceUrl;
    }

    Path dir() {
        return dir;
    }

    String name() {
        return name;
    }

    CoverMeta previous() {
        return previous;
    }

    URI uri() {
        return uri;
    }

    String host() {
        return uri == null || uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }

    int hops() {
        return hops;
    }

    boolean tokenTried() {
        return tokenTried;
    }

    void redirectTo(URI next) {
        uri = next;
        hops++;
    }

    void retryWithToken() {
        tokenTried = true;
    }

    void finish(CoverOutcome out) {
        outcome = out;
    }

    @Override
    public String toString() {
        return "cover of " + id; // never the token
    }
}
