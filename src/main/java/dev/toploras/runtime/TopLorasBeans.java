package dev.toploras.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.toploras.modelscope.UpstreamHttp;
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
    public void configure(CamelContext ctx) {
        Settings settings = new Settings(key -> ctx.resolvePropertyPlaceholders("{{" + key + ":}}"));
        ObjectMapper json = Json.mapper();
        UpstreamHttp http = new UpstreamHttp(settings.duration("http.timeout"));
        String baseUrl = settings.text("modelscope.base-url");
        CatalogSettings catalog = settings.catalog();

        ExecutorService coversPool = ctx.getExecutorServiceManager()
                .newFixedThreadPool(this, "covers", catalog.coversConcurrency());
        CoverDownloader covers = new CoverDownloader(http, json, catalog.coversMaxBytes(), catalog.coverHosts(), token);
        CatalogSteps steps = new CatalogSteps(home, catalog, new ListingClient(http, json, baseUrl),
                new LoraNormalizer(json, baseUrl), covers, new CatalogCache(json), json, clock);

        ctx.getRegistry().bind("settings", settings);
        ctx.getRegistry().bind("home", home);
        ctx.getRegistry().bind("coversPool", coversPool);
        ctx.getRegistry().bind("catalogSteps", steps);

        // Generation: the job store, the inbox intake and the worker steps of routes/inbox and generation.
        GenerationSettings generation = settings.generation(catalog.tasks());
        JobStore jobs = new JobStore(home, json, clock);
        String localUrl = settings.text("local.url");
        LocalProcessor local = localUrl.isEmpty() ? new PreviewProcessor()
                : new OpenAiImagesProcessor(new UpstreamHttp(settings.duration("local.timeout")), json, localUrl);
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
    }
}
