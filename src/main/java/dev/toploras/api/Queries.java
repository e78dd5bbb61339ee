package dev.toploras.api;

import dev.toploras.errors.ErrorCode;
import java.util.List;
import java.util.Map;

/**
 * Query parameters as they arrive: text, or a list when a client repeats one. Read here, once, so a bad value is a
 * 400 that names the parameter and its range instead of a conversion failure deep in a route (a 500).
 */
public final class Queries {
    private Queries() {
    }

    /** A whole number in {@code min..max}, or null when absent or blank. */
    public static Integer wholeNumber(String name, Object raw, int min, int max) {
        String text = single(name, raw);
        if (text == null) {
            return null;
        }
        String range = name + " must be a whole number from " + min + " to " + max;
        if (!text.matches("-?[0-9]{1,10}")) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, range + ", got '" + abbreviate(text) + "'",
                    Map.of("field", name));
        }
        long v = Long.parseLong(text);
        if (v < min || v > max) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, range + ", got " + v, Map.of("field", name));
        }
        return (int) v;
    }

    /** The one value of a parameter; given twice, which one was meant is unknown, so neither is taken. */
    static String single(String name, Object raw) {
        if (raw instanceof List<?> list) {
            if (list.size() != 1) {
                throw new ApiException(ErrorCode.INVALID_REQUEST, name + " is given " + list.size() + " times; give "
                        + "it once", Map.of("field", name));
            }
            raw = list.get(0);
        }
        if (raw == null) {
            return null;
        }
        String text = raw.toString().trim();
        return text.isEmpty() ? null : text;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
