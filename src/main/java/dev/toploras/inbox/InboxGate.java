package dev.toploras.inbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toploras.core.AtomicFiles;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What may enter the inbox flow, decided before Camel's file consumer opens anything. Only regular files that the
 * inbox itself holds are read: a symbolic link (to /etc/passwd, to a job file elsewhere), a FIFO (which would block the
 * reader), a directory or a hidden name ending in {@code .json} is moved to {@code .error/} with a reason beside it,
 * unopened. Before every poll ({@link #begin}) the folder is swept for those; the consumer's filter refuses them too,
 * for one that appears between the sweep and the listing. Outcome names ({@link #outcomeName}) never replace a file a
 * user dropped earlier, and stay short enough for the reason file beside them.
 */
public final class InboxGate implements GenericFileFilter<File>, PollingConsumerPollStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(InboxGate.class);
    /** Room left in a 255-byte file name for ".error.json" and a "-<n>" suffix. */
    static final int MAX_NAME_BYTES = 200;
    private static final String EXT = ".json";
    private final Path inbox;
    private final ObjectMapper json;
    private final java.time.Duration incompleteWait;

    public InboxGate(Path inbox, ObjectMapper json, java.time.Duration incompleteWait) {
        this.inbox = inbox;
        this.json = json;
        this.incompleteWait = incompleteWait;
    }

    /**
     * Regular files only, and not one a writer is still filling: the read lock (size and time unchanged for
     * inbox.read-lock-min-age) cannot tell a slow writer's pause from the end, so a file that ends in the middle of
     * its JSON document is left for a later poll while it was changed within inbox.incomplete-wait; after that it
     * is read (and rejected as invalid JSON).
     */
    @Override
    public boolean accept(GenericFile<File> file) {
        if (file.getFile() == null || !Files.isRegularFile(file.getFile().toPath(), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path p = file.getFile().toPath();
        try {
            java.time.Instant changed = Files.getLastModifiedTime(p).toInstant();
            return changed.plus(incompleteWait).isBefore(java.time.Instant.now()) || !PartialJson.endsMidDocument(p);
        } catch (IOException e) {
            return true; // the route reads it and says what is wrong
        }
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        sweep();
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        // nothing to settle: each file's outcome is its move
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        LOG.warn("inbox poll failed ({}); the next poll tries again", cause.getMessage());
        return false;
    }

    /** Moves every entry the consumer must not read to .error/ with its reason; returns how many. */
    public int sweep() {
        int refused = 0;
        if (!Files.isDirectory(inbox)) {
            return 0;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox, "*" + EXT)) {
            for (Path e : entries) {
                String why = refusal(e);
                if (why != null && refuse(e, why)) {
                    refused++;
                }
            }
        } catch (IOException e) {
            LOG.warn("could not look through {}: {}", inbox, e.getMessage());
        }
        return refused;
    }

    /** Why an entry is not read, or null when it is a plain file the consumer may take. */
    static String refusal(Path e) {
        String name = e.getFileName().toString();
        if (name.startsWith(".")) {
            return "a hidden name (starting with '.') is never taken; rename it without the leading '.'";
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
            return null; // moved away meanwhile: nothing to do
        }
        if (a.isSymbolicLink()) {
            return "a symbolic link is never followed: the inbox reads only regular files it holds; copy the file in";
        }
        if (a.isDirectory()) {
            return "a directory is not a job request; drop a JSON file";
        }
        if (!a.isRegularFile()) {
            return "not a regular file (a pipe, socket or device) and never opened; drop a JSON file";
        }
        return null;
    }

    private boolean refuse(Path entry, String why) {
        String name = entry.getFileName().toString();
        String target = outcomeName(name);
        Path errors = inbox.resolve(".error");
        try {
            Files.createDirectories(errors);
            Files.move(entry, errors.resolve(target), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            LOG.warn("inbox/{} cannot be read and could not be moved to .error/: {}", shown(name), e.getMessage());
            return false;
        }
        writeReason(target, name, Problem.of(ErrorCode.INVALID_REQUEST, why, Map.of("field", "$")));
        LOG.warn("inbox/{} refused: {}", shown(name), why);
        return true;
    }

    /** Writes {@code .error/<target>.error.json}: the problem and the name the file was dropped under. */
    public void writeReason(@ExchangeProperty("inboxTarget") String target, @Header("CamelFileName") String droppedAs,
                            @Variable("problem") Problem problem) {
        ObjectNode doc = json.valueToTree(problem);
        doc.put("file", droppedAs);
        try {
            AtomicFiles.write(inbox.resolve(".error").resolve(target + ".error.json"),
                    json.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
        } catch (IOException e) {
            throw new IllegalStateException("a problem record always serialises", e);
        }
    }

    /**
     * The name a dropped file gets in .done/ or .error/: its own when free in both, else with "-1", "-2", ... before
     * the extension, so a second file of one name never replaces the first. Long names are cut (keeping a hash of
     * the whole) so the reason file beside them still fits the file system's 255 bytes.
     */
    public String outcomeName(@Header("CamelFileName") String name) {
        String base = name.endsWith(EXT) ? name.substring(0, name.length() - EXT.length()) : name;
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            base = cut(base, MAX_NAME_BYTES - 20) + "-" + dev.toploras.core.SafeName.hashOf(name).substring(0, 8);
        }
        String ext = name.endsWith(EXT) ? EXT : "";
        String candidate = base + ext;
        for (int n = 1; taken(candidate); n++) {
            candidate = base + "-" + n + ext;
        }
        return candidate;
    }

    private boolean taken(String name) {
        return Files.exists(inbox.resolve(".done").resolve(name), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(inbox.resolve(".error").resolve(name), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(inbox.resolve(".error").resolve(name + ".error.json"), LinkOption.NOFOLLOW_LINKS);
    }

    private static String cut(String s, int maxBytes) {
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > maxBytes) {
                break;
            }
            sb.appendCodePoint(cp);
            bytes += len;
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    /** Hostile names can be long; a log line quotes only their start. */
    private static String shown(String name) {
        return name.length() <= 80 ? name : name.substring(0, 80) + "...";
    }
}
