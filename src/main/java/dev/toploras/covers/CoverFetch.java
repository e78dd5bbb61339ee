package dev.toploras.covers;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One cover being fetched, hop by hop: what the next request is (URL, validators, whether the token may go with it)
 * and, once done, the outcome. The covers-fetch route keeps it in its variable {@code cover} and loops while
 * {@link #isAgain()}.
 */
public final class CoverFetch {
    private final CoverTarget target;
    private final String name;
    private final CoverMeta previous;
    private URI uri;
    private int hops;
    private boolean tokenTried;
    private CoverOutcome outcome;

    CoverFetch(CoverTarget target, String name, CoverMeta previous, URI uri) {
        this.target = target;
        this.name = name;
        this.previous = previous;
        this.uri = uri;
    }

    static CoverFetch finished(CoverTarget target, CoverOutcome outcome) {
        CoverFetch f = new CoverFetch(target, null, null, null);
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
        return "cover of " + id(); // never the token
    }
}
