package dev.toploras.modelscope;

/**
 * What the runtime knows of the listing request outside the route: its path (the request itself, PUT with a JSON
 * body, is built by routes/catalog.camel.yaml) and how a configured base URL is read.
 */
public final class ListingClient {
    /** {@code PUT {modelscope.base-url}/api/v1/dolphin/models}. */
    public static final String PATH = "/api/v1/dolphin/models";

    private ListingClient() {
    }

    /** The base URL without a trailing slash ({{url:modelscope.base-url}} in properties); not http(s) fails. */
    public static String stripSlash(String url) {
        String u = UrlFunction.withoutSlash(url == null ? "" : url);
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            throw new IllegalArgumentException("modelscope.base-url must be an http(s) URL, got '" + url + "'");
        }
        return u;
    }
}
