package dev.toploras.covers;

/** An image that failed {@link ImageCheck}; the message says what was wrong with it. */
public class ImageRejectedException extends RuntimeException {
    public ImageRejectedException(String message) {
        super(message);
    }
}
