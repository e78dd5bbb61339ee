package dev.toploras.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.api.ApiErrorProcessor;
import dev.toploras.api.BatchApi;
import dev.toploras.api.EventStream;
import dev.toploras.api.JobsApi;
import dev.toploras.api.TokenHeaderProcessor;
import dev.toploras.api.ApiHeaderFilter;
import dev.toploras.api.ApiReplyProcessor;
import dev.toploras.api.CatalogApi;
import dev.toploras.api.HttpEdge;
import dev.toploras.api.RunsApi;
import dev.toploras.api.SystemApi;
import dev.toploras.catalog.CatalogCache;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.catalog.CatalogSteps;
import dev.toploras.catalog.CatalogWarmup;
import dev.toploras.covers.CoverDownloader;
import dev.toploras.generation.GenerationSettings;
import dev.toploras.generation.JobClaims;
import dev.toploras.generation.JobImages;
import dev.toploras.generation.JobOutcomes;
import dev.toploras.generation.JobRecords;
import dev.toploras.generation.RemoteSteps;
import dev.toploras.generation.JobIntake;
import dev.toploras.generation.JobEvents;
import dev.toploras.generation.OpenAiImages;
import dev.toploras.generation.PreviewProcessor;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.ListingClient;
import dev.toploras.modelscope.LoraNormalizer;
import dev.toploras.modelscope.RequestTokens;
import dev.toploras.modelscope.UpstreamHealth;
import dev.toploras.modelscope.UpstreamHttp;
import dev.toploras.runs.RunStore;
import dev.toploras.storage.Json;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.IntSupplier;
import org.apache.camel.component.seda.SedaEndpoint;
import java.util.function.Supplier;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/** Builds the beans the routes call, from the resolved configuration, and binds them by the names the YAML uses. */
public final class TopLorasBeans implements CamelConfiguration {
    private final Home home;
    private final Supplier<Optional<String>> token;
    private final Clock clock;

    public TopLorasBeans(Home home, Supplier<Optional<String>> token, Clock clock) {
        this.home = home;
        this.token = token;
        this.clock = clock;
    }

    @Override
    public void configure(CamelContext ctx) throws Exception {
        Settings settings = new Settings(key -> ctx.resolvePropertyPlaceholders("{{" + key + ":}}"));
        ObjectMapper json = Json.mapper();
        UpstreamHealth upstreamHealth = new UpstreamHealth(clock);
        UpstreamHttp http = new UpstreamHttp(settings.duration("http.timeout"), upstreamHealth);
        String baseUrl = settings.text("modelscope.base-url");
        CatalogSettings catalog = settings.catalog();
        settings.quartzCron("catalog.refresh-cron");

        RunStore runs = new RunStore(home.cache().resolve("runs"), json, clock);
        ExecutorService coversPool = ctx.getExecutorServiceManager()
                .newFixedThreadPool(this, "covers", catalog.coversConcurrency());
        CoverDownloader covers = new CoverDownloader(http, json, catalog.coversMaxBytes(), catalog.coverHosts(), token);
        LoraNormalizer normalizer = new LoraNormalizer(json, baseUrl);
        CatalogSteps steps = new CatalogSteps(home, catalog, new ListingClient(http, json, baseUrl),
                normalizer, covers, new CatalogCache(json), runs, json, clock, settings.history());

        ctx.getRegistry().bind("settings", settings);
        ctx.getRegistry().bind("home", home);
        ctx.getRegistry().bind("coversPool", coversPool);
        ctx.getRegistry().bind("catalogSteps", steps);
        ctx.getRegistry().bind("runStore", runs);
        ctx.getRegistry().bind("retryLog", new RetryLog());
        // Named by camel.component.platform-http.header-filter-strategy, which Camel binds in every mode.
        ctx.getRegistry().bind("apiHeaderFilter", new ApiHeaderFilter());
        if (!settings.bool("runtime.serve")) {
            CatalogWarmup.start(json, normalizer);
        }
        if (settings.bool("runtime.worker")) {
            workerBeans(ctx, settings, json, catalog);
        } else if (settings.bool("runtime.serve")) {
            // One-shot commands load only the catalog flows (RouteFiles.SERVE_ONLY), so they build none of this.
            serveBeans(ctx, settings, json, http, upstreamHealth, catalog, runs);
        }
    }

    /**
     * local.backend names the backend; left empty it is openai when local.url is set (configurations from before
     * local.backend existed) and the preview otherwise. The choice is written back as an override, so
     * local.endpoint (direct:local-{{local.backend}}) resolves to the same backend.
     */
    static String localBackend(CamelContext ctx, Settings settings) {
        String backend = settings.text("local.backend");
        if (backend.isEmpty()) {
            backend = settings.text("local.url").isEmpty() ? "preview" : "openai";
            ctx.getPropertiesComponent().addOverrideProperty("local.backend", backend);
        }
        return backend;
    }

    /** The job store and the worker of routes/generation.camel.yaml, over the jobs of {@code jobsHome}. */
    private record Generation(JobStore jobs, RequestTokens tokens, JobClaims claims, JobOutcomes outcomes) {
    }

    private Generation generationBeans(CamelContext ctx, Settings settings, ObjectMapper json,
                                       GenerationSettings generation, Home jobsHome) {
        JobStore jobs = new JobStore(jobsHome, json, clock);
        localBackend(ctx, settings);
        RequestTokens requestTokens = new RequestTokens();
        InferenceClient inference = new InferenceClient(token, requestTokens);
        // The worker of routes/generation.camel.yaml, one bean per responsibility; the job store holds the state.
        JobRecords records = new JobRecords(jobs);
        JobOutcomes outcomes = new JobOutcomes(records);
        JobClaims claims = new JobClaims(records, inference, requestTokens, outcomes);
        ctx.getRegistry().bind("jobStore", jobs);
        ctx.getRegistry().bind("requestTokens", requestTokens);
        ctx.getRegistry().bind("inference", inference);
        ctx.getRegistry().bind("jobClaims", claims);
        ctx.getRegistry().bind("jobOutcomes", outcomes);
        ctx.getRegistry().bind("remoteSteps", new RemoteSteps(records, inference, generation.pollTimeout(), claims));
        ctx.getRegistry().bind("jobImages", new JobImages(jobsHome, records, generation.maxImageBytes()));
        // The local backends of routes/local-*.camel.yaml and what any backend route may call (docs/seams.md).
        ctx.getRegistry().bind("jobEvents", new JobEvents(jobs));
        ctx.getRegistry().bind("localPreview", new PreviewProcessor());
        ctx.getRegistry().bind("openAiImages", new OpenAiImages(json));
        ctx.getRegistry().bind("renderedImages", new dev.toploras.generation.RenderedImages());
        ctx.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    claims.stopping();
                }
            }
        });
        return new Generation(jobs, requestTokens, claims, outcomes);
    }

    /**
     * `worker`: the generation flow over a scratch job store in a temporary folder (a worker shares no disk with
     * the coordinator), fed by the broker. Its name is recorded as the job's meta.worker and meta.node.
     */
    private void workerBeans(CamelContext ctx, Settings settings, ObjectMapper json, CatalogSettings catalog)
            throws Exception {
        GenerationSettings generation = settings.generation(catalog.tasks());
        String name = settings.text("worker.name");
        if (name.isEmpty()) {
            name = generation.node() + "-" + ProcessHandle.current().pid();
        }
        java.nio.file.Path scratch = java.nio.file.Files.createTempDirectory("top-loras-worker-");
        generation = new GenerationSettings(generation.tasks(), generation.pollTimeout(), generation.maxImageBytes(),
                name);
        Generation g = generationBeans(ctx, settings, json, generation, new Home(scratch));
        dev.toploras.broker.BrokerWiring.worker(ctx, home, settings, g.jobs(), name, json);
        ctx.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppedEvent) {
                    org.apache.camel.util.FileUtil.removeDir(scratch.toFile());
                }
            }
        });
    }

    private void serveBeans(CamelContext ctx, Settings settings, ObjectMapper json, UpstreamHttp http,
                            UpstreamHealth upstreamHealth, CatalogSettings catalog, RunStore runs) throws Exception {
        // Generation: the job store, the inbox intake and the worker steps of routes/inbox and generation.
        GenerationSettings generation = settings.generation(catalog.tasks());
        Generation g = generationBeans(ctx, settings, json, generation, home);
        JobStore jobs = g.jobs();
        RequestTokens requestTokens = g.tokens();
        JobOutcomes outcomes = g.outcomes();
        JobClaims claims = g.claims();
        JobRequestReader requestReader = new JobRequestReader(json, generation.tasks());
        JobIntake jobIntake = new JobIntake(home, jobs, requestReader, json, generation.node());
        ctx.getRegistry().bind("jobIntake", jobIntake);

        // HTTP API over the same stores and queue the inbox and the catalog use.
        // Room on the generation.queue endpoint when it is an in-process queue; a broker reports no limit here.
        // Resolved when asked: a configured broker replaces the property further down.
        IntSupplier queueRoom = () -> ctx.getEndpoint(ctx.resolvePropertyPlaceholders("{{generation.queue}}"))
                instanceof SedaEndpoint seda ? seda.getQueue().remainingCapacity() : Integer.MAX_VALUE;
        BatchApi batches = new BatchApi(jobIntake, requestReader, runs, jobs, requestTokens, queueRoom, json);
        ctx.getRegistry().bind("jobsApi", new JobsApi(home, jobs, jobIntake, requestTokens, queueRoom, json));
        ctx.getRegistry().bind("batchApi", batches);
        ctx.getRegistry().bind("runsApi", new RunsApi(runs, batches::sync));
        ctx.getRegistry().bind("tokenHeader", new TokenHeaderProcessor());
        ctx.getRegistry().bind("apiReply", new ApiReplyProcessor(json));
        ctx.getRegistry().bind("apiError", new ApiErrorProcessor(json));
        ctx.getRegistry().bind("catalogApi", new CatalogApi(home, catalog, new CatalogCache(json), runs, json, clock));

        SystemApi system = new SystemApi(home, runs, upstreamHealth, settings.text("modelscope.base-url"), clock);
        int queueSize = settings.integer("generation.queue-size");
        IntSupplier queueDepth = () -> queueSize - Math.min(queueSize, queueRoom.getAsInt());
        system.section("queue", () -> java.util.Map.of("depth", queueDepth.getAsInt(), "capacity", queueSize,
                "consumers", settings.integer("generation.concurrent-consumers")));
        system.section("generation", () -> {
            java.util.Map<String, Object> h = new java.util.LinkedHashMap<>(outcomes.health());
            h.put("workers_busy", claims.busy());
            return h;
        });
        system.gauge("top_loras_queue_depth", queueDepth::getAsInt);
        ctx.getRegistry().bind("systemApi", system);
        if (settings.bool("broker.embedded") || !settings.text("broker.url").isEmpty()) {
            // Named only here and in workerBeans: without a broker no broker or Artemis class is ever loaded
            // (BrokerClassLoadingTest), so this test is spelled out rather than asked of the broker package.
            dev.toploras.broker.BrokerWiring.coordinator(ctx, home, settings, jobs, requestTokens, json, clock,
                    system::section, system::gauge);
        }

        String apiKey = settings.text("api.key");
        HttpEdge.checkExposure(settings.text("server.host"), apiKey);
        EventStream events = new EventStream(jobs::locateEvents, json, 20, 15_000);
        HttpEdge edge = new HttpEdge(apiKey, settings.longValue("api.max-body-bytes"),
                settings.list("api.cors-origins"), home.cache().resolve("images"), home.cache().resolve("outputs"),
                events, json);
        int port = settings.integer("server.port");
        ctx.addStartupListener((context, alreadyStarted) -> edge.install(context, port));
    }
}
