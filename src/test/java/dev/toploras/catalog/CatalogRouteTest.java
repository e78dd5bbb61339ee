package dev.toploras.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.runtime.CoreBeans;
import dev.toploras.runtime.Home;
import dev.toploras.support.Listings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.CamelBeanPostProcessor;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The bundled catalog routes on Camel's own test kit: the outbound listing call is intercepted (AdviceWith) and
 * answered by a MockEndpoint, so what the route sends and how it pages, splits and filters is checked without HTTP.
 */
class CatalogRouteTest extends CamelTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    Path home;

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext ctx = super.createCamelContext();
        ctx.getPropertiesComponent().setLocation("classpath:application.properties");
        home = Files.createTempDirectory("catalog-route-test-");
        // The runtime's own configuration classes, processed as Camel Main would.
        CamelBeanPostProcessor post = PluginHelper.getBeanPostProcessor(ctx);
        for (CamelConfiguration c : List.of(new CoreBeans(new Home(home), Clock.systemUTC()),
                new CatalogBeans(Optional::empty))) {
            post.postProcessBeforeInitialization(c, c.getClass().getName());
            post.postProcessAfterInitialization(c, c.getClass().getName());
            c.configure(ctx);
        }
        for (String flow : List.of("errors", "catalog", "covers")) {
            PluginHelper.getRoutesLoader(ctx).loadRoutes(PluginHelper.getResourceLoader(ctx)
                    .resolveResource("classpath:routes/" + flow + ".camel.yaml"));
        }
        return ctx;
    }

    @Test
    void should_page_with_put_requests_and_collect_only_loras_when_the_listing_is_intercepted() throws Exception {
        AdviceWith.adviceWith(context, "catalog-fetch-page", a -> a.interceptSendToEndpoint("http*")
                .skipSendToOriginalEndpoint().to("mock:listing"));
        MockEndpoint listing = getMockEndpoint("mock:listing");
        listing.whenExchangeReceived(1, e -> e.getMessage().setBody(Listings.page(100, List.of(
                Listings.lora("u", "a", 30, null), Listings.checkpoint("c", "big", 99_999),
                Listings.lora("u", "b", 20, null)))));
        listing.whenExchangeReceived(2, e -> e.getMessage().setBody(Listings.page(100, List.of(
                Listings.lora("u", "c", 25, null), Listings.lora("u", "a", 31, null)))));
        listing.expectedMessageCount(2);
        listing.expectedHeaderReceived("CamelHttpMethod", "PUT");
        listing.expectedHeaderReceived("Content-Type", "application/json");
        listing.message(0).body(String.class).contains("\"PageNumber\": 1");
        listing.message(1).body(String.class).contains("\"PageNumber\": 2");
        NotifyBuilder written = new NotifyBuilder(context).wereSentTo("direct:catalog-write").whenCompleted(1).create();
        context.start();

        Path cacheFile = home.resolve("cache.json");
        CatalogResult result = template.requestBody("direct:catalog-refresh", new CatalogRequest("t", 3, null, true,
                null, cacheFile, home.resolve("images"), false, null), CatalogResult.class);

        assertThat(written.matches(10, TimeUnit.SECONDS)).isTrue();
        listing.assertIsSatisfied();
        assertThat(result.pagesFetched()).isEqualTo(2);
        JsonNode results = JSON.readTree(cacheFile.toFile()).get("results");
        assertThat(results).extracting(r -> r.get("id").asText() + "=" + r.get("downloads").asLong())
                .containsExactly("u/a=31", "u/c=25", "u/b=20");
        assertThat(results.get(0).has("cover_url")).isTrue();
        assertThat(results.get(0).get("cover_url").isNull()).isTrue();
    }
}
