package dev.toploras.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.api.ApiErrorProcessor;
import dev.toploras.api.ApiHeaderFilter;
import dev.toploras.api.ApiReplyProcessor;
import dev.toploras.api.CatalogApi;
import dev.toploras.api.HttpEdge;
import dev.toploras.api.RunsApi;
import dev.toploras.api.SystemApi;
import dev.toploras.catalog.CatalogCache;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.catalog.CatalogSteps;
import dev.toploras.covers.CoverDownloader;
import dev.toploras.generation.GenerationSettings;
import dev.toploras.generation.GenerationSteps;
import dev.toploras.generation.JobIntake;
import dev.toploras.generation.LocalProcessor;
import dev.toploras.generation.OpenAiImagesProcessor;
import dev.toploras.generation.PreviewProcessor;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.ListingClient;
import dev.toploras.modelscope.LoraNormalizer;
import dev.toploras.modelscope.UpstreamHealth;
import dev.toploras.modelscope.UpstreamHttp;
import dev.toploras.runs.RunStore;
import dev.toploras.storage.Json;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
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
        CatalogSteps steps = new CatalogSteps(home, catalog, new ListingClient(http, json, baseUrl),
                new LoraNormalizer(json, baseUrl), covers, new CatalogCache(json), runs, json, clock);

        ctx.getRegistry().bind("settings", settings);
        ctx.getRegistry().bind("home", home);
        ctx.getRegistry().bind("coversPool", coversPool);
        ctx.getRegistry().bind("catalogSteps", steps);

        // Generation: the job store, the inbox intake and the worker steps of routes/inbox and generation.
        GenerationSettings generation = settings.generation(catalog.tasks());
        JobStore jobs = new JobStore(home, json, clock);
        String localUrl = settings.text("local.url");
        LocalProcessor local = localUrl.isEmpty() ? new PreviewProcessor()
                : new OpenAiImagesProcessor(new UpstreamHttp(settings.duration("local.timeout"), upstreamHealth), json,
                localUrl);
        InferenceClient inference = new InferenceClient(http, json, settings.text("modelscope.inference-url"), token);
        ctx.getRegistry().bind("jobStore", jobs);
        ctx.getRegistry().bind("jobIntake", new JobIntake(home, jobs,
                new JobRequestReader(json, generation.tasks()), json, generation.node()));
        GenerationSteps generationSteps = new GenerationSteps(home, jobs, inference, local, generation);
        ctx.getRegistry().bind("generationSteps", generationSteps);
        ctx.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    generationSteps.stopping();
                }
            }
        });

        ctx.getRegistry().bind("runStore", runs);

        CatalogCache cache = new CatalogCache(json);
        ctx.getRegistry().bind("apiReply", new ApiReplyProcessor(json));
        ctx.getRegistry().bind("apiError", new ApiErrorProcessor(json));
        ctx.getRegistry().bind("apiHeaderFilter", new ApiHeaderFilter());
        ctx.getRegistry().bind("catalogApi", new CatalogApi(home, catalog, cache, runs, clock));
        ctx.getRegistry().bind("runsApi", new RunsApi(runs));
        ctx.getRegistry().bind("systemApi", new SystemApi(home, runs, upstreamHealth, baseUrl, clock));
        if (settings.bool("runtime.serve")) {
            String apiKey = settings.text("api.key");
            HttpEdge.checkExposure(settings.text("server.host"), apiKey);
            HttpEdge edge = new HttpEdge(apiKey, settings.longValue("api.max-body-bytes"),
                    settings.list("api.cors-origins"), home.cache().resolve("images"), home.cache().resolve("outputs"),
                    json);
            int port = settings.integer("server.port");
            ctx.addStartupListener((context, alreadyStarted) -> edge.install(context, port));
        }
    }
}
