package dev.toploras.generation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.core.Home;
import dev.toploras.core.Settings;
import dev.toploras.inputs.InputSettings;
import dev.toploras.inputs.InputStore;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.RequestTokens;
import java.time.Clock;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * `serve` and `worker`: the job store, the request intake, the worker beans of routes/generation.camel.yaml (one per
 * responsibility; the job store holds the state) and what local backend routes may call (docs/seams.md).
 *
 * <p>Every bean that takes another is {@code lazy}: Camel binds a supplier and builds the bean, with its
 * {@code @BeanInject} parameters, on first lookup, so it does not matter which configuration class Camel processes
 * first. Only the ground (CoreBeans: home, settings, JSON, clock) is injected into fields.
 */
public final class GenerationBeans implements CamelConfiguration {
    /** The ModelScope token's source; never bound in the registry. */
    private final Supplier<Optional<String>> token;
    @BeanInject("settings")
    Settings settings;
    @BeanInject("home")
    Home home;
    @BeanInject("json")
    ObjectMapper json;
    @BeanInject("clock")
    Clock clock;

    public GenerationBeans(Supplier<Optional<String>> token) {
        this.token = token;
    }

    @BindToRegistry(value = "generationSettings", lazy = true)
    public GenerationSettings generationSettings(@BeanInject("catalogSettings") CatalogSettings catalog) {
        return GenerationSettings.from(settings, catalog.tasks());
    }

    /** Temp files a killed process left behind (older than this JVM) go before anything reads the folders. */
    @BindToRegistry(value = "jobStore", lazy = true)
    public JobStore jobStore() {
        JobStore jobs = new JobStore(home, json, clock);
        jobs.deleteCrashLeftovers(java.time.Instant.ofEpochMilli(
                java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()));
        return jobs;
    }

    @BindToRegistry(value = "jobRecords", lazy = true)
    public JobRecords jobRecords(@BeanInject("jobStore") JobStore jobs) {
        return new JobRecords(jobs);
    }

    @BindToRegistry(value = "requestTokens", lazy = true)
    public RequestTokens requestTokens() {
        return new RequestTokens();
    }

    @BindToRegistry(value = "jobRequestReader", lazy = true)
    public JobRequestReader jobRequestReader(@BeanInject("generationSettings") GenerationSettings generation) {
        return new JobRequestReader(json, generation.tasks());
    }

    @BindToRegistry(value = "inputStore", lazy = true)
    public InputStore inputStore() {
        return new InputStore(home.cache().resolve("inputs"), InputSettings.from(settings));
    }

    @BindToRegistry(value = "inference", lazy = true)
    public InferenceClient inference(@BeanInject("requestTokens") RequestTokens requestTokens,
                                     @BeanInject("inputStore") InputStore inputs) {
        dev.toploras.inputs.InputLinks links = new dev.toploras.inputs.InputLinks(inputs, InputSettings.from(settings));
        return new InferenceClient(token, requestTokens, links::remoteRef);
    }

    /** The one way a request becomes a job, shared by the inbox (InboxBeans) and the API. */
    @BindToRegistry(value = "requestIntake", lazy = true)
    public JobIntake requestIntake(@BeanInject("jobStore") JobStore jobs,
                                   @BeanInject("jobRequestReader") JobRequestReader requestReader,
                                   @BeanInject("generationSettings") GenerationSettings generation,
                                   @BeanInject("inputStore") InputStore inputs) {
        InputSettings inputSettings = InputSettings.from(settings);
        JobFit fit = new JobFit(dev.toploras.catalog.BaseModelRules.from(settings),
                new dev.toploras.catalog.LoraLookup(home.cache(), dev.toploras.catalog.CatalogCache.quiet(json)),
                java.util.Set.of("image-to-image"));
        return new JobIntake(home, jobs, requestReader, json, generation.node(), new JobIntake.Inputs(
                new dev.toploras.inputs.InputResolver(inputs, inputSettings), fit));
    }

    @BindToRegistry(value = "jobOutcomes", lazy = true)
    public JobOutcomes jobOutcomes(@BeanInject("jobRecords") JobRecords records) {
        return new JobOutcomes(records);
    }

    @BindToRegistry(value = "jobClaims", lazy = true)
    public JobClaims jobClaims(@BeanInject("jobRecords") JobRecords records,
                               @BeanInject("inference") InferenceClient inference,
                               @BeanInject("requestTokens") RequestTokens requestTokens,
                               @BeanInject("jobOutcomes") JobOutcomes outcomes) {
        return new JobClaims(records, inference, requestTokens, outcomes);
    }

    @BindToRegistry(value = "remoteSteps", lazy = true)
    public RemoteSteps remoteSteps(@BeanInject("jobRecords") JobRecords records,
                                   @BeanInject("inference") InferenceClient inference,
                                   @BeanInject("generationSettings") GenerationSettings generation,
                                   @BeanInject("jobClaims") JobClaims claims) {
        return new RemoteSteps(records, inference, generation.pollTimeout(), claims);
    }

    @BindToRegistry(value = "jobImages", lazy = true)
    public JobImages jobImages(@BeanInject("jobRecords") JobRecords records,
                               @BeanInject("generationSettings") GenerationSettings generation) {
        return new JobImages(home, records, generation.maxImageBytes());
    }

    @BindToRegistry(value = "jobEvents", lazy = true)
    public JobEvents jobEvents(@BeanInject("jobStore") JobStore jobs) {
        return new JobEvents(jobs);
    }

    @BindToRegistry("localPreview")
    public PreviewProcessor localPreview() {
        return new PreviewProcessor();
    }

    @BindToRegistry("openAiImages")
    public OpenAiImages openAiImages() {
        return new OpenAiImages(json);
    }

    @BindToRegistry("renderedImages")
    public RenderedImages renderedImages() {
        return new RenderedImages();
    }

    /** For /api/health: the outcomes' counters and the jobs running now. */
    @BindToRegistry(value = "generationHealth", lazy = true)
    public GenerationHealth generationHealth(@BeanInject("jobOutcomes") JobOutcomes outcomes,
                                             @BeanInject("jobClaims") JobClaims claims) {
        return new GenerationHealth(outcomes, claims);
    }

    /**
     * Room on the generation.queue endpoint when it is an in-process queue (the HTTP API's queue_full check); a
     * broker reports no limit here.
     */
    @BindToRegistry(value = "generationQueueRoom", lazy = true)
    public IntSupplier generationQueueRoom(CamelContext ctx) {
        return () -> ctx.getEndpoint(ctx.resolvePropertyPlaceholders("{{generation.queue}}"))
                instanceof SedaEndpoint seda ? seda.getQueue().remainingCapacity() : Integer.MAX_VALUE;
    }

    @Override
    public void configure(CamelContext ctx) {
        // Built now, so a bad generation.* value fails the start, naming its key.
        ctx.getRegistry().lookupByNameAndType("generationSettings", GenerationSettings.class);
        JobClaims claims = ctx.getRegistry().lookupByNameAndType("jobClaims", JobClaims.class);
        ctx.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    claims.stopping();
                }
            }
        });
    }
}
