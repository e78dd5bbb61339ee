package dev.toploras.inputs;

import dev.toploras.core.Settings;
import java.time.Duration;

/**
 * The inputs.* configuration (and server.public-url), read once at start. {@code allowPrivateUrls}: a URL input
 * may name a loopback, link-local or private address (inputs.allow-private-urls; off, so a request cannot make
 * this server ask its own network).
 */
public record InputSettings(long maxBytes, long maxPixels, Duration urlTimeout, String publicUrl,
                            boolean remoteDataUri, boolean allowPrivateUrls) {

    public InputSettings(long maxBytes, long maxPixels, Duration urlTimeout, String publicUrl, boolean remoteDataUri) {
        this(maxBytes, maxPixels, urlTimeout, publicUrl, remoteDataUri, false);
    }

    /** inputs.*: the checks and limits of a job's input images. */
    public static InputSettings from(Settings s) {
        return new InputSettings(s.longValue("inputs.max-bytes"), s.longValue("inputs.max-pixels"),
                s.duration("inputs.url-timeout"), s.text("server.public-url"), s.bool("inputs.remote-data-uri"),
                s.bool("inputs.allow-private-urls"));
    }
}
