package dev.toploras.generation;

import dev.toploras.jobs.JobRequest;
import java.nio.file.Path;
import java.util.List;

/**
 * Produces a job's images on this machine, with the same result shape as the remote backend. The runtime picks
 * one: the built-in {@link PreviewProcessor}, or {@link OpenAiImagesProcessor} when local.url names a server.
 */
public interface LocalProcessor {
    /** What meta.backend says, so a reader never mistakes a preview for a model output. */
    String name();

    /** Writes the images into {@code dir} (atomically) and describes them. */
    List<LocalImage> render(JobRequest job, Path dir);

    record LocalImage(Path file, String mime, int width, int height) {
    }
}
