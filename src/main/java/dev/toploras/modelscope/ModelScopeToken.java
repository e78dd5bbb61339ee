package dev.toploras.modelscope;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the ModelScope token comes from: the environment only. It is handed to the few calls that may use it and
 * is never put in a property, a header of a Camel message, a file or a log line.
 */
public final class ModelScopeToken {
    public static final String ENV = "MODELSCOPE_API_TOKEN";

    private ModelScopeToken() {
    }

    public static Supplier<Optional<String>> fromEnvironment() {
        return () -> Optional.ofNullable(System.getenv(ENV)).map(String::trim).filter(s -> !s.isEmpty());
    }
}
