package dev.toploras.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.AtomicFiles;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on disk: {@code cache/runs/<run_id>/run.json}, {@code items.json} and an append-only {@code events.jsonl}.
 * Runs still going are answered from memory (so the API sees every item as it moves); finished ones from files.
 * A refresh run is owned by the process that runs it through a lock on {@code owner.lock}, which the operating system
 * releases when that process dies, kill -9 included. A refresh the files call running but whose lock is free has no
 * live owner: it is ended as failed ("interrupted") the first time it is read, so it cannot block later refreshes.
 * (Batch runs follow their jobs, which a restart resumes, so they are not owned.)
 *
 * <p>A refresh also holds its task's lock ({@code .tasks/<task>.<sort>.lock}) from start to end, so two refreshes of
 * one task never run at once, whoever starts them (the start-up refresh, the schedule, POST /refresh, `fetch` in
 * another process) and whatever run ids they chose. Checking the runs on file before starting cannot promise that:
 * after a restart the check and the start are two steps, and a refresh that starts between them is not on file yet.
 */
public final class RunStore {
    private static final Logger LOG = LoggerFactory.getLogger(RunStore.class);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(ZoneOffset.UTC);
    private final Path root;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<String, RunHandle> active = new ConcurrentHashMap<>();
    private final Map<String, FileChannel> owned = new ConcurrentHashMap<>();
    /** Run id to the channel holding its task's lock. */
    private final Map<String, FileChannel> tasks = new ConcurrentHashMap<>();
    private static final String OWNER_LOCK = "owner.lock";
    private static final String TASK_LOCKS = ".tasks";

    public RunStore(Path root, ObjectMapper json, Clock clock) {
        this.root = root;
        this.json = json;
        this.clock = clock;
    }

    /** A fresh run id: sortable by time, unique enough for one home folder. */
    public String newRunId() {
        return "r-" + ID_TIME.format(clock.instant()) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    }

    /** Starts a run under {@code id}, or under a new id when {@code id} is null. */
    public RunHandle start(RunKind kind, Map<String, Object> params, String id) {
        if (id == null) {
            id = newRunId();
        } else if (!SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("unusable run id '" + id + "'");
        }
        RunDocument doc = new RunDocument(id, kind.wire(), RunState.RUNNING.wire(), params, clock.instant(), null,
                new RunDocument.Counts(0, 0, 0, 0), null);
        RunHandle handle = new RunHandle(this, doc, clock, List.of(), 0);
        if (kind == RunKind.REFRESH) {
            holdTask(id, params);
            if (!own(id)) {
                release(tasks.remove(id));
                throw new IllegalStateException("run " + id + " is owned by another process");
            }
        }
        active.put(id, handle);
        handle.flush();
        return handle;
    }

    /**
     * The handle of a run still going: the live one, or, after a restart, one rebuilt from its files so the run can
     * be brought to an end. Empty for unknown and finished runs.
     */
    public synchronized Optional<RunHandle> running(String runId) {
        if (!SAFE_ID.matcher(runId).matches()) {
            return Optional.empty();
        }
        RunHandle live = active.get(runId);
        if (live != null) {
            return Optional.of(live);
        }
        Optional<RunDocument> doc = read(dir(runId).resolve("run.json"), RunDocument.class);
        if (doc.isEmpty() || RunState.parse(doc.get().state()).isFinal()) {
            return Optional.empty();
        }
        if (RunKind.REFRESH.wire().equals(doc.get().kind()) && !own(runId)) {
            return Optional.empty(); // another live process runs it
        }
        RunHandle h = new RunHandle(this, doc.get(), clock, items(runId), events(runId, null).size());
        active.put(runId, h);
        return Optional.of(h);
    }

    void finished(RunHandle h) {
        active.remove(h.runId());
        release(owned.remove(h.runId()));
        release(tasks.remove(h.runId()));
    }

    private static void release(FileChannel lock) {
        if (lock != null) {
            try {
                lock.close(); // releases the lock
            } catch (IOException e) {
                LOG.debug("closing a run lock: {}", e.getMessage());
            }
        }
    }

    /**
     * Takes the lock of the refresh's task and order for {@code runId}, or throws naming the run that holds it. The
     * operating system drops it with its process, so a killed refresh never blocks the next one.
     */
    private synchronized void holdTask(String runId, Map<String, Object> params) {
        String task = String.valueOf(params.getOrDefault("task", ""));
        Object sort = params.get("sort");
        String key = (task + (sort == null ? "" : "." + sort)).replaceAll("[^A-Za-z0-9._-]", "_");
        key = key.length() > 120 ? key.substring(0, 120) : key;
        Path file = root.resolve(TASK_LOCKS).resolve(key + ".lock");
        FileChannel ch = null;
        try {
            Files.createDirectories(file.getParent());
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                String holder = holderOf(ch);
                ch.close();
                throw new RefreshBusyException(task, holder);
            }
            // who holds it, for the message the next one gets; the lock, not this text, is what excludes
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap(runId.getBytes(StandardCharsets.UTF_8)), 0);
            tasks.put(runId, ch);
        } catch (OverlappingFileLockException e) {
            // held within this JVM (file locks belong to the process, so tryLock cannot say it)
            String holder = holderOf(ch);
            closeQuietly(ch);
            throw new RefreshBusyException(task, holder);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock the refresh of '" + task + "' (" + file + "): "
                    + e.getMessage(), e);
        }
    }

    private static String holderOf(FileChannel ch) {
        try {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(128);
            int n = ch.read(buf, 0);
            String id = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip();
            return SAFE_ID.matcher(id).matches() ? id : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Takes the owner lock of a run; false when a live process (this one included) holds it. */
    private boolean own(String runId) {
        FileChannel ch = null;
        try {
            Files.createDirectories(dir(runId));
            ch = FileChannel.open(dir(runId).resolve(OWNER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                return false;
            }
            owned.put(runId, ch);
            return true;
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            return false;
        } catch (IOException e) {
            closeQuietly(ch);
            LOG.warn("could not lock run {}: {}", runId, e.getMessage());
            return false;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing was locked through it
            }
        }
    }

    /**
     * A refresh run the files call running, that no process here runs and whose owner lock is free: its process died.
     * Ends it as failed (interrupted) and returns the ended document; otherwise returns {@code doc} unchanged.
     */
    private synchronized RunDocument settleOrphan(RunDocument doc) {
        if (!RunState.RUNNING.wire().equals(doc.state()) || !RunKind.REFRESH.wire().equals(doc.kind())
                || active.containsKey(doc.runId()) || !own(doc.runId())) {
            return doc;
        }
        RunHandle h = new RunHandle(this, doc, clock, items(doc.runId()), events(doc.runId(), null).size());
        LOG.warn("run {} was left running by a process that stopped; ending it as failed", doc.runId());
        return h.finish(Problem.of(ErrorCode.INTERNAL_ERROR, "interrupted: the process running this refresh stopped "
                + "before it ended (killed or crashed); start a new refresh", Map.of("run_id", doc.runId())));
    }

    Path dir(String runId) {
        return root.resolve(runId);
    }

    void writeJson(Path file, Object value) {
        try {
            AtomicFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    void append(String runId, RunEvent event) {
        try {
            Path file = dir(runId).resolve("events.jsonl");
            Files.createDirectories(file.getParent());
            Files.write(file, (json.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("could not append an event of run {}: {}", runId, e.getMessage());
        }
    }

    public Optional<RunDocument> get(String runId) {
        if (!SAFE_ID.matcher(runId).matches()) {
            return Optional.empty();
        }
        RunHandle h = active.get(runId);
        if (h != null) {
            return Optional.of(h.document());
        }
        return read(dir(runId).resolve("run.json"), RunDocument.class).map(this::settleOrphan);
    }

    /** Every run, newest first. */
    public List<RunDocument> list() {
        List<RunDocument> out = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                dirs.forEach(d -> get(d.getFileName().toString()).ifPresent(out::add));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.sort(Comparator.comparing(RunDocument::createdAt).thenComparing(RunDocument::runId).reversed());
        return out;
    }

    public List<RunItem> items(String runId) {
        if (!SAFE_ID.matcher(runId).matches()) {
            return List.of();
        }
        RunHandle h = active.get(runId);
        if (h != null) {
            return h.items();
        }
        return read(dir(runId).resolve("items.json"), RunItem[].class).map(List::of).orElse(List.of());
    }

    /** The trail of one run, or of one item of it when {@code itemId} is given. */
    public List<RunEvent> events(String runId, String itemId) {
        Path file = dir(runId).resolve("events.jsonl");
        if (!SAFE_ID.matcher(runId).matches() || !Files.isRegularFile(file)) {
            return List.of();
        }
        List<RunEvent> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    RunEvent e = json.readValue(line, RunEvent.class);
                    if (itemId == null || itemId.equals(e.itemId())) {
                        out.add(e);
                    }
                } catch (IOException bad) {
                    // a line cut by a crash mid-append: the rest of the trail still counts
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private <T> Optional<T> read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), type));
        } catch (IOException e) {
            LOG.warn("ignoring unreadable {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }
}
