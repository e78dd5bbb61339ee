package dev.toploras.generation;

import dev.toploras.covers.ImageKind;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.jobs.Backend;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobException;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import dev.toploras.jobs.Stage;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.RequestTokens;
import dev.toploras.modelscope.RemoteTask;
import dev.toploras.modelscope.UpstreamException;
import dev.toploras.modelscope.UpstreamRateLimitedException;
import dev.toploras.modelscope.UpstreamRejectedException;
import dev.toploras.modelscope.UpstreamUnauthorizedException;
import dev.toploras.modelscope.UpstreamUnavailableException;
import dev.toploras.runtime.Home;
import dev.toploras.storage.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work behind each step of routes/generation.camel.yaml. The route says the order and where errors go; these
 * methods read and write the job store, so every decision ends up in the job's document and event log.
 */
public final class GenerationSteps {
    private final java.util.concurrent.atomic.AtomicLong fallbacks = new java.util.concurrent.atomic.AtomicLong();
    private volatile Map<String, Object> lastFallback;
    private final RequestTokens tokens;
    private static final Logger LOG = LoggerFactory.getLogger(GenerationSteps.class);
    private final Home home;
    private final JobStore store;
    private final InferenceClient client;
    private final String localBackend;
    private final GenerationSettings settings;
    /** Jobs a worker holds now: the same id queued twice (restart, re-drop) never runs in two workers. */
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    /** Seeds stay within what job-request.schema.json accepts, so a job's params can be posted again. */
    static final long MAX_SEED = Integer.MAX_VALUE;

    public GenerationSteps(Home home, JobStore store, InferenceClient client, String localBackend,
                           GenerationSettings settings, RequestTokens tokens) {
        this.tokens = tokens;
        this.home = home;
        this.store = store;
        this.client = client;
        this.localBackend = localBackend;
        this.settings = settings;
    }

    /** Takes a job off the queue: null when there is nothing to do (finished, cancelled, held elsewhere). */
    public GenerationRun begin(String jobId) {
        GenerationRun run = claim(jobId);
        if (run == null) {
            tokens.remove(jobId); // nothing will run: a token sent for this job has no further use
        }
        return run;
    }

    private GenerationRun claim(String jobId) {
        Optional<JobDocument> found = store.find(jobId);
        if (found.isEmpty()) {
            LOG.warn("job {} was queued but has no document; skipped", jobId);
            return null;
        }
        JobDocument doc = found.get();
        if (stopping || doc.status().isTerminal() || !claimed.add(jobId)) {
            return null;
        }
        try {
            GenerationRun run = new GenerationRun(doc);
            if (store.cancelRequested(doc)) {
                cancel(run);
                return null;
            }
            if (doc.status() == JobStatus.QUEUED) {
                doc = store.moveTo(doc.withMeta(doc.meta().withAttempts(1)), JobStatus.RUNNING, "running");
            } else {
                int attempt = doc.meta().attempts() + 1;
                doc = store.update(doc.withMeta(doc.meta().withAttempts(attempt)));
                store.log(doc, Stage.SUBMITTING, "resumed after a restart (attempt " + attempt + ")"
                        + (run.isSubmitted() ? ", polling ModelScope task " + run.remoteTaskId() : ""));
            }
            run.doc(withSeed(doc));
            choose(run);
            return run;
        } catch (RuntimeException e) {
            claimed.remove(jobId);
            throw e;
        }
    }

    /** A job without a seed gets one now, stored in its params, so what it renders can be rendered again. */
    private JobDocument withSeed(JobDocument doc) {
        if (doc.params().seed() != null) {
            return doc;
        }
        long seed = java.util.concurrent.ThreadLocalRandom.current().nextLong(0, MAX_SEED + 1);
        JobDocument seeded = store.update(doc.withParams(doc.params().withSeed(seed)));
        store.log(seeded, Stage.SUBMITTING, "drew seed " + seed + " (the request had none)");
        return seeded;
    }

    private void choose(GenerationRun run) {
        if (run.isSubmitted()) {
            run.useRemote();
            startPolling(run);
            return;
        }
        Backend backend = run.doc().backend();
        if (backend == Backend.LOCAL) {
            run.useLocal();
        } else if (backend == Backend.REMOTE || client.hasToken(run.jobId())) {
            run.useRemote();
        } else {
            note(run, fallbackNote("no_token", "MODELSCOPE_API_TOKEN is not set; rendered a local preview "
                    + "instead (set the token to use ModelScope)", Map.of()));
            run.useLocal();
        }
    }

    public void submit(GenerationRun run) {
        checkCancel(run);
        long t = System.nanoTime();
        int call = run.countSubmit();
        store.log(run.doc(), Stage.SUBMITTING, call == 1 ? "submitting to ModelScope"
                : "submitting to ModelScope again (retry " + (call - 1) + ")");
        String taskId = client.submit(run.doc().request());
        run.step("submit", t);
        run.remoteTaskId(taskId);
        JobDocument doc = run.doc().withMeta(run.doc().meta().withRemoteTaskId(taskId).withBackend("remote"));
        if (call > 1) {
            doc = doc.withNote(new Problem("RETRIED", "ModelScope was unavailable; the submit succeeded on try "
                    + call, Map.of("tries", call)));
        }
        run.doc(store.update(doc));
        store.log(run.doc(), Stage.POLLING, "ModelScope accepted the job as task " + taskId);
        startPolling(run);
    }

    private void startPolling(GenerationRun run) {
        run.setPolling(true);
        run.pollStartNanos(System.nanoTime());
        run.pollDeadline(store.clock().instant().plus(settings.pollTimeout()));
    }

    /** The runtime is shutting down: work in flight stops and stays recorded for the next start to resume. */
    public void stopping() {
        stopping = true;
    }

    public void poll(GenerationRun run) {
        if (stopping) {
            throw new RuntimeStoppingException(run.jobId());
        }
        checkCancel(run);
        if (store.clock().instant().isAfter(run.pollDeadline())) {
            throw new PollTimeoutException(run.remoteTaskId(), settings.pollTimeout());
        }
        RemoteTask task = client.poll(run.remoteTaskId(), run.jobId());
        switch (task.state()) {
            case SUCCEEDED -> {
                run.outputUrls(task.outputImages());
                run.setPolling(false);
                run.step("poll", run.pollStartNanos());
            }
            case FAILED -> throw new RemoteTaskFailedException(run.remoteTaskId(), task.errorCode(),
                    task.errorMessage());
            default -> {
                // still pending or running: the route waits generation.poll-interval and asks again
            }
        }
    }

    /** Output URLs expire, so the images are copied into the job's folder; no credential goes with them. */
    public void download(GenerationRun run) {
        long t = System.nanoTime();
        store.log(run.doc(), Stage.DOWNLOADING, "downloading " + run.outputUrls().size() + " image(s)");
        Path dir = store.imagesDir(run.doc().task(), run.jobId());
        List<JobDocument.ResultImage> images = new ArrayList<>();
        for (String url : run.outputUrls()) {
            int index = images.size();
            Path file = fetchImage(url, dir, index);
            ImageKind kind = ImageKind.sniff(head(file), 16).orElseThrow();
            int[] size = dimensions(file, run);
            images.add(image(index, file, kind.mime(), size[0], size[1], run));
        }
        run.results(images);
        run.backendUsed("remote");
        run.step("download", t);
    }

    private Path fetchImage(String url, Path dir, int index) {
        HttpResponse<InputStream> reply = client.openImage(url);
        Path tmp = AtomicFiles.tempBeside(dir.resolve(index + ".download"));
        try (InputStream in = reply.body(); OutputStream out = Files.newOutputStream(tmp)) {
            if (AtomicFiles.copyCapped(in, out, settings.maxImageBytes()) < 0) {
                throw new UpstreamRejectedException("output image " + url + " is larger than "
                        + settings.maxImageBytes() + " bytes", 200);
            }
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(tmp);
            throw new UpstreamUnavailableException("output image " + url + " broke off: " + e.getMessage(), 0, e);
        } catch (RuntimeException e) {
            AtomicFiles.deleteQuietly(tmp);
            throw e;
        }
        byte[] head = head(tmp);
        Optional<ImageKind> kind = ImageKind.sniff(head, head.length);
        if (kind.isEmpty()) {
            AtomicFiles.deleteQuietly(tmp);
            throw new UpstreamRejectedException("output image " + url + " is not an image", 200);
        }
        Path target = dir.resolve(index + "." + kind.get().extension());
        try {
            AtomicFiles.moveIntoPlace(tmp, target);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(tmp);
            throw new UncheckedIOException("could not store " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    /** The job handed to the local backend endpoint (docs/seams.md): the document's fields as a Map. */
    public Map<String, Object> localJob(GenerationRun run) {
        checkCancel(run);
        run.localStartNanos(System.nanoTime());
        store.log(run.doc(), Stage.RENDERING_LOCAL, "rendering with the local backend (" + localBackend + ")");
        return LocalJob.of(run.doc());
    }

    /**
     * Stores what the local backend returned, atomically, as {@code <i>.<ext>} in the job's folder, and records
     * what it reported: its name, notes, timing steps and meta.local.
     */
    public void storeLocal(GenerationRun run, List<RenderedImage> rendered, String backend, List<Problem> notes,
                           List<JobDocument.Step> steps, Map<String, Object> meta) {
        String name = backend == null || backend.isBlank() ? "local-" + localBackend : backend;
        if (rendered == null || rendered.isEmpty()) {
            throw new LocalBackendException(ErrorCode.UPSTREAM_REJECTED, "the local backend " + name
                    + " returned no image; its route must leave a List of RenderedImage in the body", Map.of());
        }
        Path dir = store.imagesDir(run.doc().task(), run.jobId());
        List<JobDocument.ResultImage> images = new ArrayList<>();
        for (RenderedImage img : rendered) {
            ImageKind kind = ImageKind.sniff(img.bytes(), img.bytes().length).orElseThrow(() ->
                    new LocalBackendException(ErrorCode.UPSTREAM_REJECTED, "the local backend " + name
                            + " returned bytes that are not an image (" + img.mime() + ")", Map.of()));
            Path file = dir.resolve(images.size() + "." + kind.extension());
            AtomicFiles.write(file, img.bytes());
            images.add(image(images.size(), file, kind.mime(), img.width(), img.height(), run));
        }
        JobDocument doc = run.doc();
        for (Problem note : notes == null ? List.<Problem>of() : notes) {
            doc = doc.withNote(note);
        }
        if (meta != null && !meta.isEmpty()) {
            doc = doc.withMeta(doc.meta().withLocal(meta));
        }
        if (doc != run.doc()) {
            run.doc(store.update(doc));
        }
        run.results(images);
        run.backendUsed(name);
        if (steps != null) {
            steps.forEach(run::addStep);
        }
        run.step("render_local", run.localStartNanos());
    }

    private JobDocument.ResultImage image(int index, Path file, String mime, int w, int h, GenerationRun run) {
        return new JobDocument.ResultImage(index, "image", new JobDocument.ImageData(home.relative(file), null, mime),
                new JobDocument.ImageMeta(w, h, run.doc().params().seed()));
    }

    /** auto falls back on a refused token, a rate limit or ModelScope staying down after the retries. */
    public boolean fallsBack(GenerationRun run, Exception e) {
        UpstreamException u = upstream(e);
        return run != null && run.doc().backend() == Backend.AUTO
                && (u instanceof UpstreamUnauthorizedException || u instanceof UpstreamRateLimitedException
                || u instanceof UpstreamUnavailableException);
    }

    public void fallBack(GenerationRun run, Exception e) {
        UpstreamException u = upstream(e);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", u.code().wire());
        if (u.httpStatus() > 0) {
            details.put("http_status", u.httpStatus());
        }
        note(run, fallbackNote(u.code().wire(), "ModelScope could not run the job (" + u.getMessage()
                + "); rendered a local preview instead", details));
        run.setPolling(false);
        run.useLocal();
    }

    /** For /api/health: how often the local fallback was taken since start, and the latest reason. */
    public Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("fallbacks_since_start", fallbacks.get());
        h.put("last_fallback", lastFallback);
        h.put("workers_busy", claimed.size());
        return h;
    }

    private Problem fallbackNote(String reason, String message, Map<String, Object> details) {
        fallbacks.incrementAndGet();
        lastFallback = Map.of("reason", reason, "at", store.clock().instant().toString());
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.putIfAbsent("reason", reason);
        return new Problem("FALLBACK_LOCAL", message, d);
    }

    private void note(GenerationRun run, Problem note) {
        run.doc(store.update(run.doc().withNote(note)));
        store.log(run.doc(), Stage.RENDERING_LOCAL, note.message());
    }

    public void succeed(GenerationRun run) {
        checkCancel(run);
        long t = System.nanoTime();
        JobDocument doc = run.doc().withResult(run.results());
        for (JobDocument.ResultImage img : run.results()) {
            store.asset(doc, img);
        }
        run.step("store", t);
        doc = doc.withMeta(doc.meta().withBackend(run.backendUsed()).withTiming(run.timing()));
        run.doc(store.moveTo(doc, JobStatus.SUCCEEDED, "done: " + run.results().size() + " image(s) by "
                + run.backendUsed()));
    }

    public void fail(GenerationRun run, Exception e) {
        Problem problem = problemOf(e);
        if (run == null || run.doc().status().isTerminal()) {
            LOG.error("job failed outside its run: {}", problem.message());
            return;
        }
        JobDocument doc = run.doc().withError(problem).withMeta(run.doc().meta().withTiming(run.timing()));
        run.doc(store.moveTo(doc, JobStatus.FAILED, problem.message()));
        if (ErrorCode.INTERNAL_ERROR.wire().equals(problem.code())) {
            LOG.error("job {} failed unexpectedly: {}", run.jobId(), problem.message(), e);
        } else {
            LOG.warn("job {} failed: {}", run.jobId(), problem.message());
        }
    }

    public void cancel(GenerationRun run) {
        run.doc(store.moveTo(run.doc(), JobStatus.CANCELLED, "cancelled on request"));
        LOG.info("job {} cancelled", run.jobId());
    }

    public void leave(GenerationRun run) {
        store.log(run.doc(), Stage.POLLING, "runtime stopping; the job resumes at the next start");
    }

    public void release(GenerationRun run) {
        if (run != null) {
            if (run.doc().status().isTerminal()) {
                store.clearCancelRequest(run.doc());
            }
            claimed.remove(run.jobId());
            tokens.remove(run.jobId());
        }
    }

    /** On start: every job left queued or running goes back on the queue (running ones resume in begin). */
    public List<String> recover() {
        List<String> ids = store.unfinished().stream().map(JobDocument::jobId).toList();
        if (!ids.isEmpty()) {
            LOG.info("re-queueing {} job(s) left queued or running", ids.size());
        }
        return ids;
    }

    private void checkCancel(GenerationRun run) {
        if (store.cancelRequested(run.doc())) {
            throw new JobCancelledException(run.jobId());
        }
    }

    static Problem problemOf(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof JobException j) {
                return j.problem();
            }
            if (c instanceof UpstreamException u) {
                return u.httpStatus() > 0 ? Problem.of(u.code(), u.getMessage(), Map.of("http_status", u.httpStatus()))
                        : Problem.of(u.code(), u.getMessage());
            }
        }
        return Problem.of(ErrorCode.INTERNAL_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    private static UpstreamException upstream(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UpstreamException u) {
                return u;
            }
        }
        return null;
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads only the image header; falls back to the requested size for formats ImageIO cannot read. */
    private static int[] dimensions(Path file, GenerationRun run) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (readers.hasNext()) {
                ImageReader r = readers.next();
                try {
                    r.setInput(in);
                    return new int[] {r.getWidth(0), r.getHeight(0)};
                } finally {
                    r.dispose();
                }
            }
        } catch (IOException ignored) {
            // unreadable header: the requested size is the best we know
        }
        return new int[] {run.doc().params().width(), run.doc().params().height()};
    }
}
