package dev.toploras.runtime;

import dev.toploras.core.Settings;

import dev.toploras.core.Home;

import dev.toploras.modelscope.ModelScopeToken;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;

/**
 * One running Camel context with the bundled (or user-overridden) routes and the beans they call. The CLI and the
 * tests start it the same way; only the overrides differ.
 */
public final class TopLorasRuntime implements AutoCloseable {
    private final Main main;
    private final Home home;
    private final ProducerTemplate template;
    /** Held while a serve takes files from its inbox (submit --wait looks for it); null otherwise. */
    private final dev.toploras.inbox.InboxLock inboxLock;

    private TopLorasRuntime(Main main, Home home, dev.toploras.inbox.InboxLock inboxLock) {
        this.main = main;
        this.home = home;
        this.template = main.getCamelContext().createProducerTemplate();
        this.inboxLock = inboxLock;
    }

    public static TopLorasRuntime start(Home home, Map<String, String> overrides) throws Exception {
        return start(home, overrides, ModelScopeToken.fromEnvironment(), Clock.systemUTC());
    }

    public static TopLorasRuntime start(Home home, Map<String, String> overrides, Supplier<Optional<String>> token,
                                        Clock clock) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(propertyLocations(home));
        // A default, so <home>/application.properties or an override can point the inbox elsewhere.
        main.addInitialProperty("inbox.dir", home.inbox().toString());
        // The home folder, for user routes that read or write under it (file:{{home.dir}}/cache).
        main.addInitialProperty("home.dir", home.root().toString());
        boolean serve = Boolean.parseBoolean(overrides.getOrDefault("runtime.serve", "false"));
        boolean worker = Boolean.parseBoolean(overrides.getOrDefault("runtime.worker", "false"));
        String queue = worker ? "worker" : serve && brokerConfigured(home, overrides) ? "broker" : "seda";
        // The role names the generation queue (generation.queue-<role>) and the role's route files.
        Map<String, String> layered = new java.util.LinkedHashMap<>(layered(home, overrides));
        layered.put("runtime.queue", queue);
        main.configure().withRoutesIncludePattern(String.join(",", RouteFiles.locations(home, serve, queue)));
        // A `worker` keeps its jobs in a scratch folder (it shares no disk with the coordinator); its own home still
        // gives it application.properties and routes.
        java.nio.file.Path scratch = worker ? java.nio.file.Files.createTempDirectory("top-loras-worker-") : null;
        // One configuration class per capability; one-shot commands build neither the generation nor the API beans.
        // Camel binds every class's beans before it calls any configure(), and a bean that takes another class's
        // bean is built on first lookup, so only CoreBeans (the ground the others inject) must come first.
        main.configure().addConfiguration(new CoreBeans(worker ? new Home(scratch) : home, clock));
        main.configure().addConfiguration(new dev.toploras.catalog.CatalogBeans(token));
        main.configure().addConfiguration(new EveryMode());
        if (serve || worker) {
            main.configure().addConfiguration(new dev.toploras.generation.GenerationBeans(token));
            main.configure().addConfiguration(new dev.toploras.inbox.InboxBeans());
            main.configure().addConfiguration(new dev.toploras.local.LocalBeans());
        }
        if (serve) {
            main.configure().addConfiguration(new dev.toploras.api.ApiBeans());
        }
        // Named only in these branches, so without a broker no broker or Artemis class is loaded.
        if ("broker".equals(queue)) {
            main.configure().addConfiguration(new dev.toploras.broker.BrokerBeans(home, clock));
        }
        if (worker) {
            main.configure().addConfiguration(new dev.toploras.broker.WorkerBeans(scratch));
        }
        Properties overridden = new Properties();
        overridden.putAll(layered);
        main.setOverrideProperties(overridden);
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void beforeConfigure(org.apache.camel.main.BaseMainSupport m) {
                environmentAsFallback(m.getCamelContext());
            }
        });
        try {
            main.start();
        } catch (Exception e) {
            main.stop();
            throw e;
        }
        dev.toploras.inbox.InboxLock lock = serve ? dev.toploras.inbox.InboxLock.hold(java.nio.file.Path.of(
                main.getCamelContext().resolvePropertyPlaceholders("{{inbox.dir}}"))) : null;
        return new TopLorasRuntime(main, home, lock);
    }

    /**
     * broker.embedded=true or broker.url, from the same files, variables and flags the started runtime will read
     * (spelled out here: naming the broker package would load it for every serve).
     */
    private static boolean brokerConfigured(Home home, Map<String, String> overrides) {
        Settings s = settingsWithoutStarting(home, overrides);
        return s.bool("broker.embedded") || !s.text("broker.url").isEmpty();
    }

    /** Beans of every mode that belong to no capability's configuration class. */
    public static final class EveryMode implements org.apache.camel.CamelConfiguration {
        /** Named by camel.component.platform-http.header-filter-strategy, which Camel binds in every mode. */
        @org.apache.camel.BindToRegistry("apiHeaderFilter")
        public dev.toploras.api.ApiHeaderFilter apiHeaderFilter() {
            return new dev.toploras.api.ApiHeaderFilter();
        }
    }

    /**
     * The user's {@code <home>/application.properties} when present, then the bundled defaults. Camel takes a key
     * from the first location that has it, so the user's file goes first.
     */
    private static String propertyLocations(Home home) {
        return "file:" + home.root().resolve("application.properties") + ";optional=true,"
                + "classpath:application.properties";
    }

    /**
     * The configuration a started runtime would see (the same files, environment variables and overrides, through
     * Camel's own property resolution), read without loading routes or building beans: for what a one-shot command
     * can answer before Camel starts.
     */
    public static Settings settingsWithoutStarting(Home home, Map<String, String> overrides) {
        DefaultCamelContext ctx = new DefaultCamelContext(false);
        ctx.getPropertiesComponent().setLocation(propertyLocations(home));
        environmentAsFallback(ctx);
        Properties props = new Properties();
        props.putAll(layered(home, overrides));
        ctx.getPropertiesComponent().setOverrideProperties(props);
        ctx.build();
        return Settings.of(ctx);
    }

    /** Flags and --set over environment variables over files: see {@link EnvironmentLayer}. */
    private static Map<String, String> layered(Home home, Map<String, String> overrides) {
        return EnvironmentLayer.under(overrides, KnownSettings.of(home).keys(), System::getenv);
    }

    private static void environmentAsFallback(CamelContext ctx) {
        ((org.apache.camel.component.properties.PropertiesComponent) ctx.getPropertiesComponent())
                .setEnvironmentVariableMode(
                        org.apache.camel.component.properties.PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_FALLBACK);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public ProducerTemplate template() {
        return template;
    }

    public Home home() {
        return home;
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    @Override
    public void close() {
        try {
            template.close();
        } catch (Exception ignored) {
            // closing a template cannot lose data
        }
        main.stop();
        if (inboxLock != null) {
            inboxLock.close();
        }
    }
}
