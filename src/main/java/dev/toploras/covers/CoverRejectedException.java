package dev.toploras.covers;

/** A cover reply that is not an acceptable image (not image content, too large, an error status). */
final class CoverRejectedException extends RuntimeException {
    CoverRejectedException(String message) {
        super(message);
    }
}
