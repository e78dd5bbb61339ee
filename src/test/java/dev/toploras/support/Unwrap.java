package dev.toploras.support;

/** The exception a user would be told about: the first one below Camel's wrappers. */
public final class Unwrap {
    private Unwrap() {
    }

    public static RuntimeException cause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getClass().getName().startsWith("org.apache.camel")
                && !c.getClass().getName().contains("jsonvalidator")) {
            c = c.getCause();
        }
        return c instanceof RuntimeException r ? r : new RuntimeException(c);
    }
}
