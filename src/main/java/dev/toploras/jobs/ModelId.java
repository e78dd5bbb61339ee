package dev.toploras.jobs;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The one rule for a ModelScope id (a job's model_id and LoRA ids, a listing's record id), checked where a job is
 * accepted and again where an id becomes part of a URI or a file name: {@code owner/name}, each part a letter or
 * digit followed by letters, digits, '.', '_' or '-'. So an id never carries '{{', '${', '?', '&', '%', '/..' or
 * whitespace into a URI, a Camel expression or a path.
 */
public record ModelId(String owner, String name) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public ModelId {
        if (owner == null || name == null || !PART.matcher(owner).matches() || !PART.matcher(name).matches()) {
            throw new IllegalArgumentException("not a ModelScope id: " + owner + "/" + name);
        }
    }

    public static boolean valid(String id) {
        int slash = id == null ? -1 : id.indexOf('/');
        return slash > 0 && PART.matcher(id.substring(0, slash)).matches()
                && PART.matcher(id.substring(slash + 1)).matches();
    }

    /** The id of a request field, or an invalid_request naming that field and saying what an id looks like. */
    public static ModelId parse(String field, String id) {
        if (!valid(id)) {
            throw new InvalidJobRequestException(field, field + " '" + JobId.abbreviate(id) + "' is not a ModelScope"
                    + " id: use owner/name, each part starting with a letter or digit followed by letters, digits,"
                    + " '.', '_' or '-' (e.g. Qwen/Qwen-Image)");
        }
        int slash = id.indexOf('/');
        return new ModelId(id.substring(0, slash), id.substring(slash + 1));
    }

    /** "owner/name" as two URL path segments, each percent-encoded (the rule already leaves nothing to encode). */
    public String pathSegments() {
        return segment(owner) + "/" + segment(name);
    }

    private static String segment(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }
}
