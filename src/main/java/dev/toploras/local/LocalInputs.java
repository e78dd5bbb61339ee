package dev.toploras.local;

import dev.toploras.inputs.InputStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A job's input images as every local backend reads them from the job Map (docs/seams.md): the {@code inputs} list,
 * each image's bytes from cache/inputs/, and the denoise strength.
 */
public final class LocalInputs {
    /** Strength when the job gives none: A1111's own img2img default, used for ComfyUI too so both agree. */
    public static final double DEFAULT_STRENGTH = 0.75;

    private LocalInputs() {
    }

    /** The job's {@code inputs} entries ({index, sha256, mime, ...}); empty for a text-to-image job. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> of(Map<String, Object> job) {
        Object v = job.get("inputs");
        return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    /** {@code params.strength}, or {@link #DEFAULT_STRENGTH}. */
    public static double strength(Map<String, Object> job) {
        Object p = job.get("params");
        return p instanceof Map<?, ?> m && m.get("strength") instanceof Number n ? n.doubleValue() : DEFAULT_STRENGTH;
    }

    /** One input's stored bytes; a file gone from cache/inputs/ fails the render, naming the image. */
    public static byte[] bytes(InputStore store, String backend, Map<String, Object> input) {
        String sha = String.valueOf(input.get("sha256"));
        Path file = store.file(sha).orElseThrow(() -> new LocalFailures.BackendRejected(backend, "input image "
                + input.get("index") + " (" + sha + ") is no longer under cache/inputs/; submit the job again with "
                + "the image", Map.of("sha256", sha)));
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the input image " + file, e);
        }
    }
}
