package dev.toploras.inputs;

import java.time.Duration;

/** The inputs.* configuration (and server.public-url), read once at start. */
public record InputSettings(long maxBytes, long maxPixels, Duration urlTimeout, String publicUrl,
                            boolean remoteDataUri) {
}
