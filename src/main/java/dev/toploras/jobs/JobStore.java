package dev.toploras.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.AtomicFiles;
import dev.toploras.core.Home;
import dev.toploras.core.SafeName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job files, the only truth about jobs: {@code cache/outputs/<safe_task>/<job_id>.json} (the document),
 * {@code <job_id>.events.jsonl} (append-only events), {@code <job_id>/<i>.png} (images) and {@code <job_id>.cancel}
 * (a cancel request left by another process). Every status change goes through {@link #moveTo}, which also
 * appends its event, so the document and the log cannot disagree.
 */
public final class JobStore {
    private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);
    private static final String DOC = ".json";
    private static final String EVENTS = ".events.jsonl";
    private static final String CANCEL = ".cancel";
    private static final String MANIFEST = "manifest.json";

    private final Path outputs;
    private final Path homeRoot;
    private final ObjectMapper json;
    private final JobDocumentSchema schema;
    private final Clock clock;
    private final Map<String, AtomicLong> lastEventIds = new ConcurrentHashMap<>();
    private final Object creating = new Object();
    private volatile java.util.function.BiConsumer<JobDocument, JobEvent> listener = (doc, event) -> { };

    public JobStore(Home home, ObjectMapper json, Clock clock) {
        this.outputs = home.cache().resolve("outputs");
        this.homeRoot = home.root();
        this.json = json;
        this.schema = new JobDocumentSchema();
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public Path folder(String task) {
        return outputs.resolve(SafeName.task(task));
    }

    /** Every path of a job is built here, from an id that passed {@link JobId}'s rule: none can leave its folder. */
    private Path jobFile(String task, String jobId, String suffix) {
        return folder(task).resolve(new JobId(jobId).value() + suffix);
    }

    public Path documentFile(String task, String jobId) {
        return jobFile(task, jobId, DOC);
    }

    public Path eventsFile(String task, String jobId) {
        return jobFile(task, jobId, EVENTS);
    }

    public Path imagesDir(String task, String jobId) {
        return jobFile(task, jobId, "");
    }

    /** The event log of a job found by its id alone (beside its document), for readers such as SSE. */
    public Optional<Path> locateEvents(String jobId) {
        return locate(jobId).map(doc -> doc.resolveSibling(jobId + EVENTS));
    }

    /**
     * Job ids are unique across tasks, so a job is found by its id alone. An id that breaks the rule names no job
     * (and no path is built from it); a document is looked for in task folders only, never in hidden ones.
     */
    public Optional<Path> locate(String jobId) {
        if (!JobId.valid(jobId) || !Files.isDirectory(outputs)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(outputs)) {
            return dirs.filter(d -> !d.getFileName().toString().startsWith("."))
                    .map(d -> d.resolve(jobId + DOC))
                    .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + outputs + ": " + e.getMessage(), e);
        }
    }

    /** A task folder: a real folder (no link out of outputs), not a hidden one such as .keys. */
    private static boolean isTaskDir(Path d) {
        return Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) && !d.getFileName().toString().startsWith(".");
    }

    public Optional<JobDocument> find(String jobId) {
        return locate(jobId).map(this::read);
    }

    public JobDocument read(Path file) {
        try {
            return json.readValue(file.toFile(), JobDocument.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a job that must be new (tools, tests, restarts): as {@link #createOnce}, but a job id or key that exists
     * already is an error rather than an answer.
     */
    public JobDocument create(JobDocument queued) {
        Creation c = createOnce(queued);
        if (!c.created()) {
            throw new IllegalStateException("job " + c.jobId() + " exists already (job_id or idempotency_key)");
        }
        return queued;
    }

    /** What {@link #createOnce} did: the job a request names, and whether this call created it. */
    public record Creation(String jobId, boolean created) {
    }

    /**
     * The first write of a job: its first event, then its document, status queued. Exactly one of any number of
     * concurrent requests for one job id, or for one idempotency key, creates the job: the key is claimed and the
     * document written with create-new on the file system (a hard link, which fails when the name is taken), and
     * this process also takes them one at a time so a request that loses the race finds the winner's document.
     */
    public Creation createOnce(JobDocument queued) {
        String jobId = new JobId(queued.jobId()).value();
        byte[] document = bytes(queued); // checked against the schema before anything is claimed
        synchronized (creating) {
            if (locate(jobId).isPresent()) {
                return new Creation(jobId, false);
            }
            String key = queued.idempotencyKey();
            if (key != null) {
                Optional<String> earlier = claimKey(key, jobId);
                if (earlier.isPresent()) {
                    return new Creation(earlier.get(), false);
                }
            }
            // No document, and creation is ours alone: a log left here is the remains of a creation a crash cut
            // short (before the document was written); it describes no job, so it starts again.
            Path events = eventsFile(queued.task(), jobId);
            AtomicFiles.deleteQuietly(events);
            lastEventIds.remove(jobId);
            append(queued, JobEvent.STATUS, Stage.QUEUED, "queued", Map.of("status", JobStatus.QUEUED.wire()));
            if (!AtomicFiles.createNew(documentFile(queued.task(), jobId), document)) {
                return new Creation(jobId, false); // another process wrote it between our look and our link
            }
            return new Creation(jobId, true);
        }
    }

    /**
     * The one place a status changes: checked by the transition table, told in the event log, then written. The
     * event comes first so a crash between the two leaves a log that is ahead of its document, never one that
     * misses a change the document shows.
     */
    public JobDocument moveTo(JobDocument current, JobStatus next, String message) {
        JobDocument moved = current.withStatus(next, clock.instant());
        byte[] doc = bytes(moved);
        String type = switch (next) {
            case SUCCEEDED -> JobEvent.DONE;
            case FAILED -> JobEvent.FAILED;
            default -> JobEvent.STATUS;
        };
        Map<String, Object> payload = moved.error() == null
                ? Map.of("status", next.wire())
                : Map.of("status", next.wire(), "error", moved.error());
        // An end is told once: when the log already tells this end (a crash came between the event and the
        // document, and the job ran to the same end again), only the document follows.
        if (!(next.isTerminal() && loggedEnd(moved).filter(e -> endOf(e) == next).isPresent())) {
            append(moved, type, Stage.of(next), message, payload);
        }
        AtomicFiles.write(documentFile(moved.task(), moved.jobId()), doc);
        if (next.isTerminal()) {
            writeManifest(moved);
            lastEventIds.remove(moved.jobId());
        }
        return moved;
    }

    /** {@code <job_id>/manifest.json}: where a finished job's files are, for clients that fetch them all. */
    public Path manifestFile(String task, String jobId) {
        return imagesDir(task, jobId).resolve(MANIFEST);
    }

    /**
     * Lists a finished job's files (role, path relative to the home, mime, bytes): the document, the event log and
     * each result image, in the job's own folder. Written atomically after the document, so it never names a file
     * that is not there yet. A job that stored nothing has no folder and gets none.
     */
    private void writeManifest(JobDocument doc) {
        if (!Files.isDirectory(imagesDir(doc.task(), doc.jobId()), LinkOption.NOFOLLOW_LINKS)) {
            return; // nothing was stored for it (cancelled or failed before any output): no folder is made for it
        }
        Path home = homeRoot;
        List<Map<String, Object>> files = new ArrayList<>();
        files.add(entry(home, "document", documentFile(doc.task(), doc.jobId()), "application/json"));
        files.add(entry(home, "events", eventsFile(doc.task(), doc.jobId()), "application/x-ndjson"));
        for (JobDocument.ResultImage image : doc.result() == null ? List.<JobDocument.ResultImage>of() : doc.result()) {
            if (image.data() != null && image.data().url() != null) {
                files.add(entry(home, "image", home.resolve(image.data().url()).normalize(), image.data().mime()));
            }
        }
        Map<String, Object> manifest = new java.util.LinkedHashMap<>();
        manifest.put("job_id", doc.jobId());
        manifest.put("status", doc.status().wire());
        manifest.put("files", files);
        try {
            AtomicFiles.write(manifestFile(doc.task(), doc.jobId()), json.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the manifest of " + doc.jobId(), e);
        }
    }

    private static Map<String, Object> entry(Path home, String role, Path file, String mime) {
        Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("role", role);
        e.put("path", home.relativize(file).toString().replace('\\', '/'));
        e.put("mime", mime);
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException missing) {
            bytes = -1;
        }
        e.put("bytes", bytes);
        return e;
    }

    /** Saves changes that keep the status (meta, notes, results). */
    public JobDocument update(JobDocument doc) {
        write(doc);
        return doc;
    }

    public void log(JobDocument doc, Stage stage, String message) {
        append(doc, JobEvent.LOG, stage, message, Map.of());
    }

    /** How far a stage has got, for the progress bar; a backend's percent replaces the stage's fixed one. */
    public void progress(JobDocument doc, Stage stage, int percent, String message) {
        append(doc, JobEvent.PROGRESS, stage, Math.max(0, Math.min(100, percent)), message, Map.of());
    }

    public void asset(JobDocument doc, JobDocument.ResultImage image) {
        append(doc, JobEvent.ASSET, Stage.STORING, "image " + image.index() + " stored",
                Map.of("index", image.index(), "url", image.data().url(), "mime", image.data().mime()));
    }

    /**
     * Documents still queued or running: what a restart has to pick up again. A document whose log already tells
     * its end (the process died between the end's event and the document) is completed to that end here instead of
     * being run again, so the end (and the `done` SSE clients saw) is never told twice.
     */
    public List<JobDocument> unfinished() {
        List<JobDocument> out = new ArrayList<>();
        for (JobDocument d : all()) {
            if (!d.status().isTerminal() && !completeLoggedEnd(d)) {
                out.add(d);
            }
        }
        return out;
    }

    /** True when {@code doc}'s log told an end its document lacked, and the document now shows it. */
    private boolean completeLoggedEnd(JobDocument doc) {
        Optional<JobEvent> end = loggedEnd(doc);
        if (end.isEmpty()) {
            return false;
        }
        JobStatus status = endOf(end.get());
        try {
            Object error = end.get().payload().get("error");
            JobDocument base = error == null ? doc : doc.withError(json.convertValue(error,
                    dev.toploras.errors.Problem.class));
            JobDocument ended = base.withStatus(status, end.get().ts());
            write(ended);
            writeManifest(ended);
            lastEventIds.remove(ended.jobId());
            LOG.info("job {}: its end ({}) was logged before the process stopped; the document now shows it",
                    doc.jobId(), status.wire());
            return true;
        } catch (RuntimeException e) {
            // an end the document cannot take (say, from queued): the job runs again, and moveTo still tells an
            // end it already told only once
            LOG.warn("job {}: its log tells '{}' but the document cannot follow ({}); it runs again", doc.jobId(),
                    status.wire(), e.getMessage());
            return false;
        }
    }

    /** The last event in the job's log that tells an end (done, failed, cancelled), if any. */
    private Optional<JobEvent> loggedEnd(JobDocument doc) {
        Path file = eventsFile(doc.task(), doc.jobId());
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JobEvent end = null;
        for (String line : lines) {
            JobEvent e = parseEvent(line);
            if (e != null && endOf(e) != null) {
                end = e;
            }
        }
        return Optional.ofNullable(end);
    }

    private JobEvent parseEvent(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            return json.readValue(line, JobEvent.class);
        } catch (IOException cut) {
            return null; // a line cut by a crash mid-append tells nothing
        }
    }

    /** The end an event tells, or null: `done`, `failed`, or a status event whose status is an end. */
    private static JobStatus endOf(JobEvent e) {
        if (!JobEvent.DONE.equals(e.type()) && !JobEvent.FAILED.equals(e.type()) && !JobEvent.STATUS.equals(e.type())) {
            return null;
        }
        Object status = e.payload() == null ? null : e.payload().get("status");
        try {
            JobStatus s = status instanceof String text ? JobStatus.parse(text) : null;
            return s != null && s.isTerminal() ? s : null;
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    /** Every readable job document, in file order; an unreadable one is skipped with a warning. */
    public List<JobDocument> all() {
        List<JobDocument> out = new ArrayList<>();
        if (!Files.isDirectory(outputs)) {
            return out;
        }
        // Directory streams, not Files.walk: a walk fails on a temp file renamed away while it looks at it, and
        // writers rename temp files all the time.
        // Task folders only: hidden ones (.keys) hold other files that happen to end in .json.
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(outputs, JobStore::isTaskDir)) {
            for (Path dir : tasks) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + DOC)) {
                    for (Path f : files) {
                        if (!isDocument(f)) {
                            continue;
                        }
                        try {
                            JobDocument doc = read(f);
                            if (describes(doc, f)) {
                                out.add(doc);
                            } else {
                                LOG.warn("skipping {}: not a job document (no job_id, task, status or created_at "
                                        + "matching its name)", f);
                            }
                        } catch (RuntimeException e) {
                            if (Files.exists(f)) {
                                LOG.warn("skipping unreadable job file {}: {}", f, e.getMessage());
                            }
                        }
                    }
                } catch (IOException e) {
                    LOG.warn("skipping job folder {}: {}", dir, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + outputs + ": " + e.getMessage(), e);
        }
        out.sort(java.util.Comparator.comparing(JobDocument::jobId));
        return out;
    }

    private boolean isDocument(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(DOC) && !name.startsWith(".") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                && outputs.relativize(p).getNameCount() == 2;
    }

    /** A file that parsed is a job document only if it has the fields every document has, and its own name. */
    private static boolean describes(JobDocument doc, Path file) {
        return doc.jobId() != null && doc.task() != null && doc.status() != null && doc.createdAt() != null
                && doc.params() != null && file.getFileName().toString().equals(doc.jobId() + DOC);
    }

    /**
     * Deletes the temp files a killed process left among the job files (documents, logs, images), those older than
     * {@code before} (this process's start): younger ones belong to a writer at work.
     */
    public int deleteCrashLeftovers(java.time.Instant before) {
        int n = AtomicFiles.deleteStaleTemps(outputs.resolve(".keys"), before);
        if (!Files.isDirectory(outputs)) {
            return n;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(outputs, JobStore::isTaskDir)) {
            for (Path dir : tasks) {
                n += AtomicFiles.deleteStaleTemps(dir, before);
                try (DirectoryStream<Path> jobs = Files.newDirectoryStream(dir, d -> Files.isDirectory(d,
                        LinkOption.NOFOLLOW_LINKS))) {
                    for (Path images : jobs) {
                        n += AtomicFiles.deleteStaleTemps(images, before);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("could not look for temp files under {}: {}", outputs, e.getMessage());
        }
        if (n > 0) {
            LOG.info("deleted {} temp file(s) left by a process that stopped mid-write", n);
        }
        return n;
    }

    /** Written by another process (the CLI); only the runtime acts on it, so the document keeps one writer. */
    public void requestCancel(JobDocument doc) {
        AtomicFiles.writeString(folder(doc.task()).resolve(doc.jobId() + CANCEL),
                "{\"requested_at\":\"" + clock.instant() + "\"}\n");
    }

    public boolean cancelRequested(JobDocument doc) {
        return Files.exists(folder(doc.task()).resolve(doc.jobId() + CANCEL));
    }

    /**
     * Told of every event after it is in the log, with the document it was written with. A broker worker forwards
     * them to the coordinator, whose store is the real one; a plain runtime leaves it unset.
     */
    public void onEvent(java.util.function.BiConsumer<JobDocument, JobEvent> listener) {
        this.listener = listener;
    }

    /**
     * Records what another process did to a job (a broker worker's document and event), numbered in this log. The
     * caller has checked that it may: this store does not re-run the transition table for foreign events. The event
     * first, as in {@link #moveTo}: a reader who sees the document end finds the end in the log.
     */
    public JobDocument replay(JobDocument doc, JobEvent event) {
        append(doc, event.type(), event.stage(), event.message(), event.payload() == null ? Map.of() : event.payload());
        write(doc);
        if (doc.status().isTerminal()) {
            lastEventIds.remove(doc.jobId());
        }
        return doc;
    }

    /** Writes one image of a job that another process rendered, in the job's own folder and nowhere else. */
    public Path storeImage(JobDocument doc, String fileName, byte[] bytes) {
        Path dir = imagesDir(doc.task(), doc.jobId());
        Path target = dir.resolve(fileName).normalize();
        if (!target.getParent().equals(dir) || fileName.startsWith(".")) {
            throw new IllegalArgumentException("image name '" + fileName + "' of job " + doc.jobId()
                    + " is not a plain file name");
        }
        AtomicFiles.write(target, bytes);
        return target;
    }

    /** The job an idempotency key already started, if any. */
    private Optional<String> jobForKey(String key) {
        Path f = keyFile(key);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(f.toFile()).path("job_id").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** Claims {@code key} for {@code jobId} unless a job holds it already; returns that earlier job. */
    private Optional<String> claimKey(String key, String jobId) {
        byte[] claim = (json.createObjectNode().put("job_id", jobId).toString() + "\n").getBytes(StandardCharsets.UTF_8);
        if (AtomicFiles.createNew(keyFile(key), claim)) {
            return Optional.empty();
        }
        return jobForKey(key);
    }

    /** Keys are user text: stored under their hash, never as a file name. */
    private Path keyFile(String key) {
        return outputs.resolve(".keys").resolve(SafeName.hashOf(key) + ".json");
    }

    /** Ids of the jobs with a cancel request waiting, found from the marker files alone (no document is read). */
    public List<String> cancelRequests() {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(outputs)) {
            return ids;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(outputs, Files::isDirectory)) {
            for (Path dir : tasks) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + CANCEL)) {
                    for (Path f : files) {
                        String name = f.getFileName().toString();
                        ids.add(name.substring(0, name.length() - CANCEL.length()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + outputs + ": " + e.getMessage(), e);
        }
        return ids;
    }

    public void clearCancelRequest(JobDocument doc) {
        AtomicFiles.deleteQuietly(folder(doc.task()).resolve(doc.jobId() + CANCEL));
    }

    private void write(JobDocument doc) {
        AtomicFiles.write(documentFile(doc.task(), doc.jobId()), bytes(doc));
    }

    /** The document as stored, checked against its schema first: a reader is never handed a file it cannot trust. */
    private byte[] bytes(JobDocument doc) {
        JsonNode tree = json.valueToTree(doc);
        schema.check(tree);
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise job " + doc.jobId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends one line with one write call: the log only grows, so readers that tail it never see a line change;
     * the rename trick of {@link AtomicFiles} would make every append rewrite the whole log.
     */
    private void append(JobDocument doc, String type, Stage stage, String message, Map<String, Object> payload) {
        append(doc, type, stage, stage.progress(), message, payload);
    }

    private void append(JobDocument doc, String type, Stage stage, int progress, String message,
                        Map<String, Object> payload) {
        Path file = eventsFile(doc.task(), doc.jobId());
        AtomicLong lastId = lastEventIds.computeIfAbsent(doc.jobId(), id -> new AtomicLong(countLines(file)));
        synchronized (lastId) {
            long id = lastId.incrementAndGet();
            JobEvent event = new JobEvent(id, doc.jobId(), clock.instant(), type, stage, progress, message,
                    payload);
            try {
                byte[] line = (json.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
                Files.createDirectories(file.getParent());
                Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
            }
            listener.accept(doc, event);
        }
    }

    private static long countLines(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
