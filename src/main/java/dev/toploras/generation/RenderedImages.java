package dev.toploras.generation;

import dev.toploras.covers.ImageKind;
import dev.toploras.errors.ErrorCode;
import dev.toploras.jobs.JobRequest;
import java.util.List;
import java.util.Map;

/**
 * For user backend routes (bean {@code renderedImages}): one image reply (PNG, JPEG, WebP, GIF bytes) as the List
 * of RenderedImage the worker expects, so a renderer that answers with the picture itself needs no Java.
 */
public final class RenderedImages {
    public List<RenderedImage> of(byte[] bytes, Map<String, Object> job) {
        JobRequest r = LocalJob.request(job);
        if (bytes == null || bytes.length == 0) {
            throw new LocalBackendException(ErrorCode.UPSTREAM_REJECTED, "the renderer answered with no bytes; "
                    + "check its log", Map.of("job_id", r.jobId()));
        }
        ImageKind kind = ImageKind.sniff(bytes, bytes.length).orElseThrow(() -> new LocalBackendException(
                ErrorCode.UPSTREAM_REJECTED, "the renderer answered with something that is not an image (PNG, JPEG, "
                + "WebP or GIF); check what its endpoint returns", Map.of("job_id", r.jobId())));
        return List.of(new RenderedImage(bytes, kind.mime(), r.params().width(), r.params().height()));
    }
}
