package dev.toploras.jobs;

import java.util.regex.Pattern;

/**
 * The one rule for a job id, checked wherever an id comes in (a request, a URL, an SSE path) and again where it
 * becomes a file name ({@link JobStore}): letters, digits, '.', '_' and '-', at most 64, never starting with '.'.
 * So an id can never name a folder, a hidden file, '..', or anything outside its task folder.
 */
public record JobId(String value) {
    private static final Pattern RULE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    public JobId {
        if (!valid(value)) {
            throw new InvalidJobRequestException("job_id", "job_id '" + abbreviate(value) + "' is not a job id: use 1 "
                    + "to 64 letters, digits, '.', '_' or '-', not starting with '.'");
        }
    }

    public static boolean valid(String id) {
        return id != null && RULE.matcher(id).matches();
    }

    /** Hostile ids can be long; a message quotes only their start. */
    static String abbreviate(String id) {
        return id == null ? "null" : id.length() <= 80 ? id : id.substring(0, 80) + "...";
    }

    @Override
    public String toString() {
        return value;
    }
}
