package dev.toploras.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots of one task under {@code cache/history/<safe_task>/}: one file per refresh, named by its UTC time
 * ({@code 20261124T200612.345Z.json}) so the files of a window are picked by name without opening the others.
 * Every write is atomic (temp file + rename); a snapshot that cannot be read is skipped with a warning.
 */
public final class HistoryStore {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryStore.class);
    static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    static final String INDEX = "index.json";
    private final Path dir;
    private final ObjectMapper json;
    /** Snapshot files opened so far; the benchmark reports how few a refresh needs. */
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();

    public HistoryStore(Path dir, ObjectMapper json) {
        this.dir = dir;
        this.json = json;
    }

    public Path dir() {
        return dir;
    }

    /** A snapshot file and the time its name carries. */
    public record Stored(Instant at, Path file) {
    }

    /** Snapshot files, oldest first; temp files and foreign names are not snapshots. */
    public List<Stored> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Stored> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> timeOf(f.getFileName().toString()).ifPresent(at -> out.add(new Stored(at, f))));
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Stored::at));
        return out;
    }

    static Optional<Instant> timeOf(String name) {
        if (name.startsWith(".") || !name.endsWith(".json") || name.equals(INDEX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(NAME.parse(name.substring(0, name.length() - ".json".length()))));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The snapshot, or empty (and a warning) when the file is corrupt, half-written or not a snapshot. */
    public Optional<Snapshot> read(Stored s, Consumer<String> warn) {
        reads.incrementAndGet();
        try {
            Snapshot snap = json.readValue(s.file().toFile(), Snapshot.class);
            if (snap.at() == null || snap.records().stream().anyMatch(e -> e == null || e.id() == null || e.rank() < 1)) {
                throw new IOException("not a snapshot (missing time, id or rank)");
            }
            return Optional.of(snap);
        } catch (IOException | RuntimeException e) {
            String w = "history: ignoring unreadable snapshot " + s.file().getFileName() + " ("
                    + firstLine(e.getMessage()) + ")";
            LOG.warn(w);
            warn.accept(w);
            return Optional.empty();
        }
    }

    /** Writes the snapshot and the index, then drops what retention no longer keeps (never the new snapshot). */
    public void append(Snapshot snap, HistorySettings keep) {
        Path file = dir.resolve(NAME.format(snap.at()) + ".json");
        try {
            AtomicFiles.write(file, json.writeValueAsBytes(snap));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
        List<Stored> all = list();
        HistoryIndex before = index(all, w -> { });
        Map<String, HistoryIndex.Seen> ids = new HashMap<>(before.ids());
        fold(ids, snap);
        Instant forgetBefore = snap.at().minus(keep.keepAge());
        ids.values().removeIf(seen -> seen.last().isBefore(forgetBefore));
        writeIndex(new HistoryIndex(before.since() == null ? snap.at() : before.since(), snap.at(), ids));
        prune(all, keep, snap.at());
    }

    private void prune(List<Stored> all, HistorySettings keep, Instant now) {
        Instant oldest = now.minus(keep.keepAge());
        for (int i = 0; i < all.size() - 1; i++) {
            Stored s = all.get(i);
            if (all.size() - i > keep.keepCount() || s.at().isBefore(oldest)) {
                AtomicFiles.deleteQuietly(s.file());
            }
        }
    }

    /** The index, rebuilt from the snapshots when missing or unreadable, with newer snapshots folded in. */
    public HistoryIndex index(Consumer<String> warn) {
        return index(list(), warn);
    }

    /** As {@link #index(Consumer)} with the snapshot files already listed. */
    public HistoryIndex index(List<Stored> listed, Consumer<String> warn) {
        Path file = dir.resolve(INDEX);
        HistoryIndex idx = null;
        if (Files.isRegularFile(file)) {
            try {
                idx = json.readValue(file.toFile(), HistoryIndex.class);
            } catch (IOException e) {
                String w = "history: rebuilding unreadable " + file.getFileName() + " (" + firstLine(e.getMessage()) + ")";
                LOG.warn(w);
                warn.accept(w);
            }
        }
        Instant upTo = idx == null ? null : idx.upTo();
        List<Stored> newer = listed.stream().filter(s -> upTo == null || s.at().isAfter(upTo)).toList();
        if (newer.isEmpty() && idx != null) {
            return idx;
        }
        Map<String, HistoryIndex.Seen> ids = new HashMap<>(idx == null ? Map.of() : idx.ids());
        Instant since = idx == null ? null : idx.since();
        Instant last = upTo;
        for (Stored s : newer) {
            Optional<Snapshot> snap = read(s, warn);
            if (snap.isPresent()) {
                fold(ids, snap.get());
                since = since == null || snap.get().at().isBefore(since) ? snap.get().at() : since;
                last = snap.get().at();
            }
        }
        return new HistoryIndex(since, last, ids);
    }

    private static void fold(Map<String, HistoryIndex.Seen> ids, Snapshot snap) {
        for (Snapshot.Entry e : snap.records()) {
            ids.merge(e.id(), new HistoryIndex.Seen(snap.at(), snap.at()), (old, neu) -> new HistoryIndex.Seen(
                    old.first().isBefore(neu.first()) ? old.first() : neu.first(),
                    old.last().isAfter(neu.last()) ? old.last() : neu.last()));
        }
    }

    private void writeIndex(HistoryIndex idx) {
        try {
            AtomicFiles.write(dir.resolve(INDEX), json.writeValueAsBytes(idx));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the history index in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** One point of a record's series. */
    public record Point(Instant at, int rank, long downloads, long likes) {
    }

    /** Every stored point of one id, oldest first (unreadable snapshots are skipped). */
    public List<Point> series(String id) {
        List<Point> out = new ArrayList<>();
        for (Stored s : list()) {
            read(s, w -> { }).flatMap(snap -> snap.records().stream().filter(e -> e.id().equals(id)).findFirst()
                    .map(e -> new Point(snap.at(), e.rank(), e.downloads(), e.likes()))).ifPresent(out::add);
        }
        return out;
    }

    public long snapshotsRead() {
        return reads.get();
    }

    /** Bytes the history of this task takes on disk. */
    public long sizeOnDisk() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
