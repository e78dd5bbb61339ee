package dev.toploras.catalog;

import dev.toploras.core.Home;
import dev.toploras.support.RouteTestSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;

/**
 * The catalog flow as catalog.camel.yaml, errors.camel.yaml and covers.camel.yaml ship it, with the listing call of
 * catalog-fetch-page answered by {@code mock:listing}: what CatalogRouteTest and ErrorsRouteTest share.
 */
abstract class ListingRouteTestSupport extends RouteTestSupport {
    @Override
    protected List<String> flows() {
        return List.of("errors.camel.yaml", "catalog.camel.yaml", "covers.camel.yaml");
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CatalogBeans(Optional::empty));
    }

    @Override
    protected void advise() throws Exception {
        intercept("catalog-fetch-page", "http*", "mock:listing");
    }

    /** One forced refresh of task "t" into its own folder of the home, so tests share no cache or history. */
    CatalogResult refresh(String name, int limit) {
        Path dir = homeDir().resolve(name);
        return template.requestBody("direct:catalog-refresh", new CatalogRequest("t", limit, null, true, null,
                dir.resolve("cache.json"), dir.resolve("images"), false, null), CatalogResult.class);
    }
}
