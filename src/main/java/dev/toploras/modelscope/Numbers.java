package dev.toploras.modelscope;

import com.fasterxml.jackson.databind.JsonNode;

/** ModelScope sends counts as numbers or as strings ("1,234"); both read as the same long. */
final class Numbers {
    private Numbers() {
    }

    static long parseLong(String text, long fallback) {
        if (text == null) {
            return fallback;
        }
        String digits = text.trim().replace(",", "").replace("_", "").replace(" ", "");
        if (digits.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            try {
                return (long) Double.parseDouble(digits);
            } catch (NumberFormatException e2) {
                return fallback;
            }
        }
    }

    static long count(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return 0;
        }
        if (node.isNumber()) {
            return Math.max(0, node.asLong());
        }
        return Math.max(0, parseLong(node.asText(), 0));
    }
}
