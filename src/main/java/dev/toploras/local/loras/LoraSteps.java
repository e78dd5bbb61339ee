package dev.toploras.local.loras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.WeightFile;
import dev.toploras.errors.Problem;
import dev.toploras.generation.JobCancelledException;
import dev.toploras.generation.JobEvents;
import dev.toploras.jobs.ModelId;
import dev.toploras.local.LocalFailures;
import dev.toploras.modelscope.UpstreamException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What routes/local-loras.camel.yaml calls: read a listing, reuse or fetch a file, report progress. */
public final class LoraSteps {
    private final LoraStore store;
    private final ObjectMapper json;
    private final JobEvents events;
    private final long listingTtlNanos;
    private final Map<String, Listed> listings = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long CANCEL_WATCH_MS = 250;
    /** One daemon thread watches every download in progress for its job's cancel. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lora-download-cancel-watch");
                t.setDaemon(true);
                return t;
            });

    private record Listed(LoraFilePicker.Pick pick, long at) {
    }

    private final ListedWeights listed;
    private final String defaultRevision;

    /**
     * {@code listingTtl}: how long a model's pick is trusted before its files are listed again (0: always);
     * {@code listed}: the weight files the leaderboard names; {@code defaultRevision}: local.lora-revision, for a
     * LoRA whose listing names no revision.
     */
    public LoraSteps(LoraStore store, ObjectMapper json, JobEvents events, java.time.Duration listingTtl,
                     ListedWeights listed, String defaultRevision) {
        this.store = store;
        this.json = json;
        this.events = events;
        this.listingTtlNanos = listingTtl.toNanos();
        this.listed = listed;
        this.defaultRevision = defaultRevision;
    }

    /** The weight file the leaderboard's listing names for this LoRA (revision, path, size), or null. */
    public WeightFile listedWeight(String modelId) {
        return listed.find(modelId);
    }

    /**
     * The repository revision to list and download, URL-encoded for a query: the listed version's (as
     * modelscope/hub/api.py HubApi.get_valid_revision_detail resolves a revision before any file is fetched, here the
     * listing already names it), else local.lora-revision.
     */
    public String revision(WeightFile listedWeight) {
        String r = listedWeight != null && listedWeight.revision() != null ? listedWeight.revision() : defaultRevision;
        return urlEncoded(r);
    }

    /**
     * The pick of a recent listing of this model, or null when it must be listed (again). Saves a ModelScope round
     * trip per job for a LoRA used over and over; a file changed upstream is seen after local.lora-listing-ttl.
     */
    public LoraFilePicker.Pick recentPick(String modelId) {
        Listed l = listings.get(modelId);
        return l != null && System.nanoTime() - l.at() < listingTtlNanos ? l.pick() : null;
    }

    public LoraStore store() {
        return store;
    }

    /** A listing that failed after its retries: 404 means the model is not there (or not public). */
    public void listingFailed(String modelId, int status) {
        if (status == 404) {
            throw new LocalFailures.LoraFileMissing(modelId, "ModelScope answered 404 (no such model, or private)");
        }
        throw UpstreamException.forStatus(status, "ModelScope model files of " + modelId);
    }

    /** The weight file of a model-files listing reply: the listed one when the leaderboard names it. */
    public LoraFilePicker.Pick pick(String modelId, byte[] body, WeightFile listedWeight) {
        JsonNode reply;
        try {
            reply = json.readTree(body);
        } catch (IOException e) {
            throw new LocalFailures.LoraFileMissing(modelId, "the model-files listing is not JSON");
        }
        LoraFilePicker.Pick pick = LoraFilePicker.pick(modelId, LoraFilePicker.files(modelId, reply),
                listedWeight == null ? null : listedWeight.path());
        listings.put(modelId, new Listed(pick, System.nanoTime()));
        return pick;
    }

    /** What a job without LoRAs needs. */
    public List<LoraFile> none() {
        return new ArrayList<>();
    }

    /**
     * The repository path of a LoRA id ({@code api/v1/models/owner/name/repo}), checked against {@link ModelId}
     * again here, where it becomes part of a URI, and encoded segment by segment.
     */
    public String repoPath(String modelId) {
        return "api/v1/models/" + ModelId.parse("loras", modelId).pathSegments() + "/repo";
    }

    public String urlEncoded(String path) {
        return URLEncoder.encode(path, StandardCharsets.UTF_8);
    }

    /** The file from an earlier job, or null when it must be fetched. */
    public LoraFile stored(String modelId, ModelFile f) {
        return store.find(modelId, f).orElse(null);
    }

    public void acquire(String modelId, ModelFile f) throws InterruptedException {
        store.acquire(modelId, f);
    }

    public void release(String modelId, ModelFile f) {
        store.release(modelId, f);
    }

    /** One LoRA file's download for a job: which file of which model, resumed at {@code offset} bytes. */
    public record LoraDownload(String jobId, String modelId, ModelFile file, long offset) {
    }

    /** Checks the cap and the disk, logs the download, and returns it with the offset to resume from. */
    public LoraDownload prepare(String jobId, String modelId, ModelFile f) {
        long offset = store.prepare(modelId, f);
        events.log(jobId, "DOWNLOADING", "downloading LoRA " + modelId + " (" + f.path() + ", " + f.size() + " bytes"
                + (offset > 0 ? ", resuming at " + offset : "") + ")");
        return new LoraDownload(jobId, modelId, f, offset);
    }

    public LoraFile receive(LoraDownload d, int status, InputStream body) {
        String modelId = d.modelId();
        try {
            return fetched(d.jobId(), modelId, d.file(), status, d.offset(), body);
        } catch (RuntimeException e) {
            // A listing that led to a failed download is not trusted again: the next job lists afresh.
            listings.remove(modelId);
            throw e;
        }
    }

    private LoraFile fetched(String jobId, String modelId, ModelFile f, int status, long offset, InputStream body) {
        if (status == 404) {
            closeQuietly(body);
            throw new LocalFailures.LoraFileMissing(modelId, f.path() + " is listed but its download answered 404");
        }
        if (status != 200 && status != 206) {
            closeQuietly(body);
            throw UpstreamException.forStatus(status, "ModelScope download of " + f.path() + " (" + modelId + ")");
        }
        // A read blocks while a slow host drips: a watcher stops it as soon as the job is cancelled, by dropping the
        // connection under the stream (ReplyBounds.abort), so a cancel ends a download within the watch period.
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> watch = WATCHER.scheduleWithFixedDelay(() -> {
            if (!cancelled.get() && events.cancelRequested(jobId)) {
                cancelled.set(true);
                dev.toploras.runtime.ReplyBounds.abort(body);
            }
        }, CANCEL_WATCH_MS, CANCEL_WATCH_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            return received(jobId, modelId, f, status, offset, body);
        } catch (RuntimeException e) {
            if (cancelled.get() || e instanceof JobCancelledException) {
                // A cancelled download leaves nothing behind: the user asked for it to stop, not to be resumed.
                store.discard(modelId, f);
                throw new JobCancelledException(jobId);
            }
            throw e;
        } finally {
            watch.cancel(false);
        }
    }

    private LoraFile received(String jobId, String modelId, ModelFile f, int status, long offset, InputStream body) {
        int[] last = {-1};
        LoraFile file = store.receive(modelId, f, status, offset, body, (done, total) -> {
            int percent = total > 0 ? (int) (done * 100 / total) : 0;
            // One event per 10%: a 200 MB file must not write a hundred lines into the job's log.
            if (percent / 10 != last[0]) {
                last[0] = percent / 10;
                // A cancel stops a long download here; the partial file stays for the next job to resume.
                events.checkCancel(jobId);
                events.progress(jobId, "DOWNLOADING", percent, "LoRA " + modelId + ": " + done + " of " + total
                        + " bytes");
            }
        });
        events.log(jobId, "DOWNLOADING", "LoRA " + modelId + " stored as " + file.fileName() + " (sha256 "
                + file.sha256() + ")");
        return file;
    }

    public void unreachable(Exception e) {
        dev.toploras.runtime.ReplyBounds.rethrowCutOff(e);
        throw new dev.toploras.modelscope.UpstreamUnavailableException("ModelScope model files do not answer: "
                + e.getMessage(), 0, e);
    }

    /** The file with the note of its pick, when the pick was a guess. */
    public LoraFile noted(LoraFile file, LoraFilePicker.Pick pick) {
        // A replaced file's note says more than a guessed pick's: the stored bytes had changed.
        return pick.note() == null || file.note() != null ? file : file.withNote(pick.note());
    }

    /** Notes for meta.notes (variable localNotes): which files were guesses. */
    public List<Problem> notes(List<LoraFile> files) {
        List<Problem> out = new ArrayList<>();
        for (LoraFile f : files) {
            if (f.note() != null) {
                out.add(f.note());
            }
        }
        return out;
    }

    /** meta.local.loras: each LoRA's file, hash and whether this job downloaded it. */
    public List<Map<String, Object>> describe(List<LoraFile> files, Map<String, Object> weights) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (LoraFile f : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model_id", f.modelId());
            m.put("file", f.fileName());
            m.put("sha256", f.sha256());
            m.put("size", f.size());
            m.put("weight", weights.get(f.modelId()));
            m.put("downloaded", f.downloaded());
            out.add(m);
        }
        return out;
    }

    public boolean anyDownloaded(List<LoraFile> files) {
        return files.stream().anyMatch(LoraFile::downloaded);
    }

    private static void closeQuietly(InputStream in) {
        try {
            if (in != null) {
                in.close();
            }
        } catch (IOException ignored) {
            // the reply is discarded anyway
        }
    }
}
