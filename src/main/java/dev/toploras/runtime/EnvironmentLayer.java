package dev.toploras.runtime;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The README's order of configuration: a command's flag and --set win over an environment variable, which wins over
 * the properties files. Camel's default lets an environment variable win over everything (it looks there first,
 * even before override properties), so `fetch --base-url` lost to MODELSCOPE_BASE_URL. Instead the environment's
 * values of the known keys are read here and laid under the command's overrides, and Camel consults the
 * environment only as a fallback (for keys no file names).
 */
final class EnvironmentLayer {
    private EnvironmentLayer() {
    }

    /** The environment's values of {@code keys}, with {@code overrides} on top. */
    static Map<String, String> under(Map<String, String> overrides, Collection<String> keys,
                                     UnaryOperator<String> env) {
        Map<String, String> all = new LinkedHashMap<>();
        for (String key : keys) {
            String v = env.apply(key);
            if (v == null) {
                v = env.apply(variable(key));
            }
            if (v != null) {
                all.put(key, v);
            }
        }
        all.putAll(overrides);
        return all;
    }

    /** Camel's name for a key's environment variable: upper case, '.' and '-' as '_'. */
    static String variable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
