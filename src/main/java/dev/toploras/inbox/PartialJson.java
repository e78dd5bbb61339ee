package dev.toploras.inbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a file stops before its JSON document does: what a writer that has not finished leaves. */
final class PartialJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    /** Beyond this a file is no job request the inbox would take anyway; the route rejects it. */
    private static final long MAX_BYTES = 4L * 1024 * 1024;

    private PartialJson() {
    }

    /** True for an empty file or one that ends inside its first JSON value; false for anything else. */
    static boolean endsMidDocument(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file); JsonParser p = FACTORY.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return true; // empty, or only white space so far
            }
            p.skipChildren();
            return false;
        } catch (JsonEOFException e) {
            return true;
        } catch (JsonProcessingException e) {
            // Jackson reports some ends of input as plain parse errors: unfinished when it stopped at the last byte
            return e.getLocation() != null && e.getLocation().getByteOffset() >= size;
        } catch (IOException e) {
            return false; // unreadable: the route says what is wrong
        }
    }
}
