package dev.toploras.catalog;

/** A catalog request or configuration that cannot be carried out as given; the message says how to fix it. */
public class CatalogException extends RuntimeException implements dev.toploras.errors.Problem.Coded {
    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public dev.toploras.errors.ErrorCode code() {
        return dev.toploras.errors.ErrorCode.INVALID_REQUEST;
    }
}
