package dev.toploras.modelscope;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.PropertiesFunction;

/**
 * The placeholder function {@code {{url:KEY}}}: the value of the key KEY, trimmed and without trailing slashes, so a
 * path can follow it ({@code {{url:modelscope.base-url}}/api/...}) whether the user wrote the URL with a slash at the
 * end or not. The value itself is left as the user wrote it. Camel finds the function by its name
 * (META-INF/services/org/apache/camel/properties-function/url).
 */
public final class UrlFunction implements PropertiesFunction, CamelContextAware {
    private CamelContext ctx;

    @Override
    public String getName() {
        return "url";
    }

    @Override
    public String apply(String key) {
        return withoutSlash(ctx.resolvePropertyPlaceholders("{{" + key + "}}"));
    }

    static String withoutSlash(String url) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
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
