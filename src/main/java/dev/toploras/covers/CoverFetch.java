package dev.toploras.covers;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One cover being fetched, hop by hop: what the next request is (URL, validators, whether the token may go with it)
 * and, once done, the outcome. Each reply gives a new fetch (redirected, with the token, or finished); the
 * covers-fetch route keeps the current one in its variable {@code cover} and loops while {@link #isAgain()}.
 */
public final class CoverFetch {
    private final CoverTarget target;
    private final String name;
    private final CoverMeta previous;
    private final URI uri;
    private final int hops;
    private final boolean tokenTried;
    private final CoverOutcome outcome;

    private CoverFetch(CoverTarget target, String name, CoverMeta previous, URI uri, int hops, boolean tokenTried,
                       CoverOutcome outcome) {
        this.target = target;
        this.name = name;
        this.previous = previous;
        this.uri = uri;
        this.hops = hops;
        this.tokenTried = tokenTried;
        this.outcome = outcome;
    }

    /** The first request for the target's cover, stored as {@code name.*}, with the copy from before (or null). */
    static CoverFetch first(CoverTarget target, String name, CoverMeta previous, URI uri) {
        return new CoverFetch(target, name, previous, uri, 0, false, null);
    }

    static CoverFetch finished(CoverTarget target, CoverOutcome outcome) {
        return new CoverFetch(target, null, null, null, 0, false, outcome);
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

    /** The target with what became of its cover; null while the fetch goes on. */
    public CoverResult getResult() {
        return outcome == null ? null : new CoverResult(target, outcome);
    }

    String id() {
        return target.record().id();
    }

    String sourceUrl() {
        return target.record().coverUrl();
    }

    Path dir() {
        return target.dir();
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

    CoverFetch redirectedTo(URI next) {
        return new CoverFetch(target, name, previous, next, hops + 1, tokenTried, null);
    }

    CoverFetch withToken() {
        return new CoverFetch(target, name, previous, uri, hops, true, null);
    }

    CoverFetch finish(CoverOutcome out) {
        return new CoverFetch(target, name, previous, uri, hops, tokenTried, out);
    }

    @Override
    public String toString() {
        return "cover of " + id(); // never the token
    }
}
