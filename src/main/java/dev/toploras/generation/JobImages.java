package dev.toploras.generation;

import dev.toploras.covers.ImageKind;
import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.Stage;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.UpstreamRejectedException;
import dev.toploras.modelscope.UpstreamUnavailableException;
import dev.toploras.runtime.Home;
import dev.toploras.storage.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A job's images on disk (bean {@code jobImages}): downloaded ModelScope outputs and what a local backend rendered,
 * each stored atomically as {@code cache/outputs/<task>/<job_id>/<i>.<ext>} and recorded in the job's result at
 * once, so a restart stores only what is missing. Output links are checked here too: http(s) only, redirects
 * followed hop by hop (at most {@value #MAX_REDIRECTS}), never with a credential.
 */
public final class JobImages {
    static final int MAX_REDIRECTS = 3;
    private final Home home;
    private final JobRecords records;
    private final long maxImageBytes;

    public JobImages(Home home, JobRecords records, long maxImageBytes) {
        this.home = home;
        this.records = records;
        this.maxImageBytes = maxImageBytes;
    }

    /** True until the job has stored its images: a job resumed after that only records its outcome. */
    public boolean missing(String jobId) {
        return records.doc(jobId).result().isEmpty();
    }

    /** A download that failed after its retries, as the project's upstream error (no token was involved). */
    public void failure(Exception e, String url) {
        throw InferenceClient.upstream(e, "output image " + url, null);
    }

    /** The job handed to the local backend endpoint (docs/seams.md): the stored document as a Map. */
    public Map<String, Object> rendering(String jobId, String backend) {
        JobDocument doc = records.doc(jobId);
        records.checkCancel(doc);
        records.store().log(doc, Stage.RENDERING_LOCAL, "rendering with the local backend (" + backend + ")");
        return LocalJob.of(doc);
    }

    public void downloading(String jobId, List<String> urls) {
        JobDocument doc = records.doc(jobId);
        records.checkCancel(doc);
        records.store().log(doc, Stage.DOWNLOADING, "downloading " + urls.size() + " image(s)");
    }

    /** The index-th output URL of the task. */
    public String url(List<String> urls, int index) {
        return urls.get(index);
    }

    /** The URL to fetch at this hop, without its query (sent as it came, in CamelHttpQuery). */
    public String target(String url, int hops) {
        URI uri = uri(url);
        if (hops > MAX_REDIRECTS) {
            throw new UpstreamRejectedException("output image " + url + " redirected more than " + MAX_REDIRECTS
                    + " times", 0);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new UpstreamRejectedException("output image URL is not http(s): " + url, 0);
        }
        String s = uri.toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    public String query(String url) {
        return uri(url).getRawQuery();
    }

    /** Where a redirect points, resolved against the URL that sent it; CDNs send raw spaces in Location. */
    public String redirect(String url, String location) {
        if (location == null || location.isBlank()) {
            throw new UpstreamRejectedException("output image " + url + " redirected without a Location", 0);
        }
        return uri(url).resolve(location.trim().replace(" ", "%20")).toString();
    }

    private static URI uri(String url) {
        try {
            return URI.create(url.trim().replace(" ", "%20"));
        } catch (IllegalArgumentException e) {
            throw new UpstreamRejectedException("output image URL is not a URL: " + url, 0);
        }
    }

    /** Which of the task's outputs a download is, and the URL it finally came from (after any redirects). */
    public record OutputImage(int index, String url) {
    }

    public OutputImage outputImage(int index, String url) {
        return new OutputImage(index, url);
    }

    /** Copies one downloaded image (capped at generation.max-image-bytes, checked by its magic bytes) into place. */
    public void storeDownloaded(String jobId, OutputImage output, InputStream body) {
        int index = output.index();
        String url = output.url();
        JobDocument doc = records.doc(jobId);
        Path dir = records.store().imagesDir(doc.task(), jobId);
        Path tmp = AtomicFiles.tempBeside(dir.resolve(index + ".download"));
        try (InputStream in = body; OutputStream out = Files.newOutputStream(tmp)) {
            if (in == null || AtomicFiles.copyCapped(in, out, maxImageBytes) < 0) {
                throw new UpstreamRejectedException("output image " + url + (in == null ? " came back empty"
                        : " is larger than " + maxImageBytes + " bytes (generation.max-image-bytes)"), 200);
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
        int[] size = dimensions(target, doc.params().width(), doc.params().height());
        record(doc, List.of(image(index, target, kind.get().mime(), size[0], size[1], doc)));
    }

    /** What a local backend rendered: its images, the name it ran under and when the render began. */
    public record Rendered(String backend, List<RenderedImage> images, java.util.Date from) {
    }

    /**
     * What a local backend reported beside its images (docs/seams.md's optional variables): notes for meta.notes,
     * timing steps for meta.timing.steps and what it was sent, for meta.local. Each may be absent.
     */
    public record LocalReport(List<Problem> notes, List<JobDocument.Step> steps, Map<String, Object> meta) {
        public LocalReport {
            // copies: the backend's variables are mutable lists and maps
            notes = notes == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(notes));
            steps = steps == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(steps));
            meta = meta == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(meta));
        }
    }

    /** The name recorded in meta.backend: the one the backend set, else {@code local-<local.backend>}. */
    public String backendName(String backend, String configured) {
        return backend == null || backend.isBlank() ? "local-" + configured : backend;
    }

    /** The backend's body as its images; anything but a List of RenderedImage fails the job, saying what it was. */
    public Rendered rendered(Object body, String backend, java.util.Date from) {
        return new Rendered(backend, renderedImages(body, backend), from);
    }

    public LocalReport report(List<Problem> notes, List<JobDocument.Step> steps, Map<String, Object> meta) {
        return new LocalReport(notes, steps, meta);
    }

    /**
     * Stores what the local backend rendered and records what it reported: its name (returned, for meta.backend),
     * notes, timing steps and meta.local. Contract: docs/seams.md.
     */
    public String storeRendered(String jobId, Rendered rendered, LocalReport report) {
        String name = rendered.backend();
        JobDocument doc = records.doc(jobId);
        Path dir = records.store().imagesDir(doc.task(), jobId);
        List<JobDocument.ResultImage> images = new ArrayList<>();
        for (RenderedImage img : rendered.images()) {
            ImageKind kind = ImageKind.sniff(img.bytes(), img.bytes().length).orElseThrow(() ->
                    new LocalBackendException(ErrorCode.UPSTREAM_REJECTED, "the local backend " + name
                            + " returned bytes that are not an image (" + img.mime() + ")", Map.of()));
            int index = doc.result().size() + images.size();
            Path file = dir.resolve(index + "." + kind.extension());
            AtomicFiles.write(file, img.bytes());
            // What the image is, not what was asked: ComfyUI floors sizes to multiples of 8, a workflow may resize.
            int[] size = dimensions(file, img.width(), img.height());
            images.add(image(index, file, kind.mime(), size[0], size[1], doc));
        }
        for (Problem note : report.notes()) {
            doc = doc.withNote(note);
        }
        doc = doc.withMeta(doc.meta().withBackend(name));
        if (!report.meta().isEmpty()) {
            doc = doc.withMeta(doc.meta().withLocal(report.meta()));
        }
        for (JobDocument.Step s : report.steps()) {
            doc = JobRecords.withStep(doc, s);
        }
        record(JobRecords.withStep(doc, "render_local", rendered.from()), images);
        return name;
    }

    /**
     * What a local backend was sent, kept when it fails too (meta.backend, meta.local), so the failed job shows what
     * ran beside the backend's own error. The variables are whatever the backend route had set when it stopped.
     */
    public void recordAttempt(String jobId, String backend, Map<String, Object> meta) {
        if (backend == null || backend.isBlank()) {
            return;
        }
        JobDocument doc = records.doc(jobId);
        JobDocument.Meta m = doc.meta().withBackend(backend);
        if (meta != null && !meta.isEmpty()) {
            m = m.withLocal(meta);
        }
        records.update(doc.withMeta(m));
    }

    /** A user's backend route may leave anything in the body: say what it left and what was expected. */
    private static List<RenderedImage> renderedImages(Object body, String name) {
        if (body instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(RenderedImage.class::isInstance)) {
            return list.stream().map(RenderedImage.class::cast).toList();
        }
        String found = body == null ? "nothing" : body instanceof List<?> l && l.isEmpty() ? "an empty list"
                : "a " + body.getClass().getSimpleName();
        throw new LocalBackendException(ErrorCode.UPSTREAM_REJECTED, "the local backend " + name + " left " + found
                + " in the body; its route must end with a List of RenderedImage (docs/seams.md; bean renderedImages"
                + " turns an image reply into one)", Map.of("backend", name));
    }

    private JobDocument record(JobDocument doc, List<JobDocument.ResultImage> added) {
        List<JobDocument.ResultImage> all = new ArrayList<>(doc.result());
        all.removeIf(r -> added.stream().anyMatch(a -> a.index() == r.index()));
        all.addAll(added);
        all.sort(Comparator.comparingInt(JobDocument.ResultImage::index));
        return records.update(doc.withResult(all));
    }

    private JobDocument.ResultImage image(int index, Path file, String mime, int w, int h, JobDocument doc) {
        return new JobDocument.ResultImage(index, "image", new JobDocument.ImageData(home.relative(file), null, mime),
                new JobDocument.ImageMeta(w, h, doc.params().seed()));
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads only the image header; falls back to the given size for formats ImageIO cannot read. */
    private static int[] dimensions(Path file, int width, int height) {
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
        return new int[] {width, height};
    }
}
