package dev.toploras.jobs;

/**
 * One input image of a job as its document records it: stored once under {@code cache/inputs/<sha256>.<ext>},
 * served at {@code /assets/<job_id>/inputs/<index>.<ext>}. {@code source} is what the request named: the URL as
 * given, {@code upload:<id>}, or {@code inbox:<file name>}.
 */
public record InputImage(int index, String sha256, String mime, int width, int height, String source) {
    /** The file extension of the stored copy. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String extension() {
        return switch (mime) {
            case "image/png" -> "png";
            case "image/jpeg" -> "jpg";
            case "image/webp" -> "webp";
            default -> "bin";
        };
    }

    /** The stored copy's file name under cache/inputs/. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String fileName() {
        return sha256 + "." + extension();
    }

    /** The source is a URL a remote service can fetch itself. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isUrl() {
        return source.startsWith("http://") || source.startsWith("https://");
    }
}
