package dev.toploras.inputs;

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
}
