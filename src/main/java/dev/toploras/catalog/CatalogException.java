package dev.toploras.catalog;

/** A catalog request or configuration that cannot be carried out as given; the message says how to fix it. */
public class CatalogException extends RuntimeException {
    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
