package dev.toploras.modelscope;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads one listing reply without building it as a tree: a first pass checks the envelope (ModelScope answers
 * errors as HTTP 200 with {@code Success:false} or no {@code Data}, and puts {@code Success} after the data), a
 * second pass hands out the records of {@code Data.Model.Models} one at a time.
 */
public final class ListingPage {
    private final ObjectMapper json;
    private final byte[] body;
    private final long totalCount;
    private final int recordCount;

    private ListingPage(ObjectMapper json, byte[] body, long totalCount, int recordCount) {
        this.json = json;
        this.body = body;
        this.totalCount = totalCount;
        this.recordCount = recordCount;
    }

    public long totalCount() {
        return totalCount;
    }

    public int recordCount() {
        return recordCount;
    }

    public static ListingPage read(ObjectMapper json, byte[] body, String what) {
        Boolean success = null;
        String message = null;
        String code = null;
        long total = -1;
        int count = -1;
        try (JsonParser p = json.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw rejected(what, "the reply is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "Success" -> success = value == JsonToken.VALUE_TRUE ? Boolean.TRUE
                            : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                    case "Message" -> message = value.isScalarValue() ? p.getValueAsString() : null;
                    case "Code" -> code = value.isScalarValue() ? p.getValueAsString() : null;
                    case "Data" -> {
                        if (value == JsonToken.START_OBJECT) {
                            long[] found = readData(p);
                            total = found[0];
                            count = (int) found[1];
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw rejected(what, "the reply is not valid JSON (" + e.getMessage() + ")");
        }
        if (Boolean.FALSE.equals(success)) {
            throw rejected(what, "Success:false, Code " + code + ", Message '" + message + "'");
        }
        if (count < 0) {
            throw rejected(what, "the reply has no Data.Model.Models (Code " + code + ", Message '" + message + "')");
        }
        return new ListingPage(json, body, total, count);
    }

    /** Inside Data: returns {TotalCount or -1, number of Models or -1}. */
    private static long[] readData(JsonParser p) throws IOException {
        long[] out = {-1, -1};
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("Model".equals(field) && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String inner = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("TotalCount".equals(inner) && v.isNumeric()) {
                        out[0] = p.getLongValue();
                    } else if ("TotalCount".equals(inner) && v == JsonToken.VALUE_STRING) {
                        out[0] = Numbers.parseLong(p.getText(), -1);
                    } else if ("Models".equals(inner) && v == JsonToken.START_ARRAY) {
                        int n = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            p.skipChildren();
                            n++;
                        }
                        out[1] = n;
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    /** The records, one tree per record; only the current one is in memory. */
    public Iterator<JsonNode> records() {
        try {
            JsonParser p = json.getFactory().createParser(body);
            p.setCodec(json);
            if (!seekModels(p)) {
                p.close();
                return java.util.Collections.emptyIterator();
            }
            return new Iterator<>() {
                JsonToken next = advance();

                private JsonToken advance() {
                    try {
                        JsonToken t = p.nextToken();
                        if (t == JsonToken.END_ARRAY || t == null) {
                            p.close();
                        }
                        return t;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public boolean hasNext() {
                    return next != null && next != JsonToken.END_ARRAY;
                }

                @Override
                public JsonNode next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    try {
                        JsonNode node = p.readValueAsTree();
                        next = advance();
                        return node;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean seekModels(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        return seekField(p, "Data") && seekField(p, "Model") && seekField(p, "Models")
                && p.currentToken() == JsonToken.START_ARRAY;
    }

    /** Within the current object, moves onto the value of {@code name}, which must open an object or array. */
    private static boolean seekField(JsonParser p, String name) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals(field) && (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY)) {
                return true;
            }
            p.skipChildren();
        }
        return false;
    }

    private static UpstreamRejectedException rejected(String what, String why) {
        return new UpstreamRejectedException(what + " returned an error: " + why, 200);
    }
}
