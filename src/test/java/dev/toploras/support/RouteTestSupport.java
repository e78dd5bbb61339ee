package dev.toploras.support;

import dev.toploras.core.Home;
import dev.toploras.runtime.CoreBeans;
import dev.toploras.runtime.RouteFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.CamelBeanPostProcessor;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * The route-test layer (issue 22): the bundled flow files a test names, loaded as the runtime loads them, on
 * Camel's test kit, with nothing of the rest of the runtime (no server, no other flows, no CLI).
 * <ul>
 *   <li>Routes: each file is resolved by {@link RouteFiles#location} (the jar's copy, classpath:routes/, unless the
 *       test's home has a user copy) and given to Camel's routes loader.</li>
 *   <li>Beans: the runtime's own configuration classes (CoreBeans first, then what {@link #configurations} adds),
 *       processed by Camel's bean post-processor as Camel Main processes them, so {@code @BindToRegistry} methods
 *       and their {@code configure} run as in {@code serve}.</li>
 *   <li>Properties: the bundled application.properties, with {@link #overrides} on top (home.dir and inbox.dir
 *       point into a fresh temporary home, as TopLorasRuntime sets them).</li>
 *   <li>Consumers and outbound calls: {@link #advise} runs once, before the context starts, to put direct:
 *       endpoints in place of file, quartz, timer, seda and broker consumers ({@link #replaceConsumer}) and
 *       MockEndpoints behind {@code http*} and other outbound endpoints ({@link #intercept}, or {@link #mockAndSkip}
 *       for every endpoint of a kind).</li>
 * </ul>
 * One context per class (it starts once; MockEndpoints are reset before every test), so a class costs one start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RouteTestSupport extends CamelTestSupport {
    /** The temporary home of this class's context. */
    protected Home home;

    /** The flow files under test, by name, as in {@link RouteFiles#BUNDLED}. */
    protected abstract List<String> flows();

    /** The capabilities' configuration classes the flows call beans of; CoreBeans is always there, first. */
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of();
    }

    /** Properties over the bundled application.properties, for this class's one context. */
    protected Map<String, String> overrides() {
        return Map.of();
    }

    /** AdviceWith, once, before the context starts: replace consumers, intercept outbound endpoints. */
    protected void advise() throws Exception {
    }

    /**
     * Endpoints matching this pattern (e.g. {@code jms:*}) are replaced everywhere, route configurations' onException
     * steps included (which a route's AdviceWith does not reach), by {@code mock:<uri without options>}.
     */
    protected String mockAndSkip() {
        return null;
    }

    @Override
    public void configureContext(CamelContextConfiguration camel) {
        super.configureContext(camel);
        if (mockAndSkip() != null) {
            camel.withMockEndpointsAndSkip(mockAndSkip());
        }
    }

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext ctx = super.createCamelContext();
        home = new Home(Files.createTempDirectory("route-test-"));
        ctx.getPropertiesComponent().setLocation("classpath:application.properties");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("home.dir", home.root().toString());
        props.put("inbox.dir", home.inbox().toString());
        props.putAll(overrides());
        Properties override = new Properties();
        override.putAll(props);
        ctx.getPropertiesComponent().setOverrideProperties(override);
        CamelBeanPostProcessor post = PluginHelper.getBeanPostProcessor(ctx);
        List<CamelConfiguration> all = new java.util.ArrayList<>();
        all.add(new CoreBeans(home, Clock.systemUTC()));
        all.addAll(configurations(home));
        // As Camel Main: every class's beans are bound before any class's configure runs.
        for (CamelConfiguration c : all) {
            post.postProcessBeforeInitialization(c, c.getClass().getName());
            post.postProcessAfterInitialization(c, c.getClass().getName());
        }
        for (CamelConfiguration c : all) {
            c.configure(ctx);
        }
        for (String flow : flows()) {
            PluginHelper.getRoutesLoader(ctx).loadRoutes(PluginHelper.getResourceLoader(ctx)
                    .resolveResource(RouteFiles.location(home, flow)));
        }
        return ctx;
    }

    @BeforeEach
    final void adviseAndStartOnce() throws Exception {
        if (!context.isStarted()) {
            advise();
            context.start();
        }
        MockEndpoint.resetMocks(context);
    }

    /** The temporary home goes with the class; best effort, as a leftover folder under the temp dir harms nothing. */
    @AfterAll
    final void deleteHome() throws IOException {
        if (home == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(home.root())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The route's consumer (file, quartz, timer, seda, jms) replaced by {@code uri}, which the test sends to. */
    protected void replaceConsumer(String routeId, String uri) throws Exception {
        AdviceWith.adviceWith(context, routeId, a -> a.replaceFromWith(uri));
    }

    /** Sends from the route to endpoints matching {@code pattern} (e.g. {@code http*}) go to {@code mock} instead. */
    protected void intercept(String routeId, String pattern, String mock) throws Exception {
        AdviceWith.adviceWith(context, routeId, a -> a.interceptSendToEndpoint(pattern)
                .skipSendToOriginalEndpoint().to(mock));
    }

    protected Path homeDir() {
        return home.root();
    }
}
