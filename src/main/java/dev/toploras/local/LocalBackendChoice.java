package dev.toploras.local;

import dev.toploras.core.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.PropertiesFunction;

/**
 * The placeholder function {@code {{local:backend}}}, the local backend the routes use: local.backend when it names
 * one; left empty, openai when local.url is set (configurations from before local.backend existed) and the built-in
 * preview otherwise. Chosen where it is read, so nothing is written back. Camel finds it by its name
 * (META-INF/services/org/apache/camel/properties-function/local).
 */
public final class LocalBackendChoice implements PropertiesFunction, CamelContextAware {
    private CamelContext ctx;

    @Override
    public String getName() {
        return "local";
    }

    @Override
    public String apply(String remainder) {
        if (!"backend".equals(remainder)) {
            throw new IllegalArgumentException("{{local:" + remainder + "}}: the only local: placeholder is "
                    + "{{local:backend}}");
        }
        Settings settings = Settings.of(ctx);
        String named = settings.text("local.backend");
        if (!named.isEmpty()) {
            return named;
        }
        return settings.text("local.url").isEmpty() ? "preview" : "openai";
    }

    @Override
    public CamelContext getCamelContext() {
        return ctx;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.ctx = camelContext;
    }
}
