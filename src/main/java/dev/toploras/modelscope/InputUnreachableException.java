package dev.toploras.modelscope;

/**
 * A job's input image cannot be handed to ModelScope (no public URL for it, data: URIs off). Unavailable, not
 * rejected: an auto job renders locally instead, where the image is at hand.
 */
public class InputUnreachableException extends UpstreamUnavailableException {
    public InputUnreachableException(String message) {
        super(message, 0, null);
    }
}
