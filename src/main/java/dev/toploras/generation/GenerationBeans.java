package dev.toploras.generation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.RequestTokens;
import dev.toploras.runtime.Home;
import dev.toploras.runtime.Settings;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * `serve` only: the job store, the inbox intake, the worker beans of routes/generation.camel.yaml (one per
 * responsibility; the job store holds the state) and what local backend routes may call (docs/seams.md).
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
    @BeanInject("catalogSettings")
    CatalogSettings catalog;

    public GenerationBeans(Supplier<Optional<String>> token) {
        this.token = token;
    }

    @Override
    public void configure(CamelContext ctx) throws Exception {
        localBackend(ctx, settings);
        GenerationSettings generation = settings.generation(catalog.tasks());
        JobStore jobs = new JobStore(home, json, clock);
        // Temp files a killed process left behind (older than this JVM) go before anything reads the folders.
        jobs.deleteCrashLeftovers(java.time.Instant.ofEpochMilli(
                java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()));
        RequestTokens requestTokens = new RequestTokens();
        JobRequestReader requestReader = new JobRequestReader(json, generation.tasks());
        dev.toploras.inputs.InputSettings inputSettings = settings.inputs();
        dev.toploras.inputs.InputStore inputStore = new dev.toploras.inputs.InputStore(home.cache().resolve("inputs"),
                inputSettings);
        dev.toploras.inputs.InputLinks inputLinks = new dev.toploras.inputs.InputLinks(inputStore, inputSettings);
        InferenceClient inference = new InferenceClient(token, requestTokens, inputLinks::remoteRef);
        JobFit fit = new JobFit(settings.baseModelRules(), new dev.toploras.catalog.LoraLookup(home.cache(),
                dev.toploras.catalog.CatalogCache.quiet(json)), java.util.Set.of("image-to-image"));
        java.nio.file.Path inbox = java.nio.file.Path.of(settings.text("inbox.dir"));
        JobIntake jobIntake = new JobIntake(home, jobs, requestReader, json, generation.node(), new JobIntake.Inputs(
                new dev.toploras.inputs.InputResolver(inputStore, inputSettings), fit, inbox));
        JobRecords records = new JobRecords(jobs);
        JobOutcomes outcomes = new JobOutcomes(records);
        JobClaims claims = new JobClaims(records, inference, requestTokens, outcomes);
        ctx.getRegistry().bind("jobStore", jobs);
        ctx.getRegistry().bind("jobIntake", jobIntake);
        ctx.getRegistry().bind("inputStore", inputStore);
        // The local backends' input-image steps read the same store (bound here, where the store is made).
        ctx.getRegistry().bind("comfyInputs", new dev.toploras.local.comfyui.ComfyInputs(inputStore, json));
        ctx.getRegistry().bind("a1111Inputs", new dev.toploras.local.a1111.A1111Inputs(inputStore));
        ctx.getRegistry().bind("inboxGate", new dev.toploras.inbox.InboxGate(
                java.nio.file.Path.of(settings.text("inbox.dir")), json, settings.inboxIncompleteWait()));
        ctx.getRegistry().bind("requestTokens", requestTokens);
        ctx.getRegistry().bind("jobRequestReader", requestReader);
        ctx.getRegistry().bind("inference", inference);
        ctx.getRegistry().bind("jobClaims", claims);
        ctx.getRegistry().bind("jobOutcomes", outcomes);
        ctx.getRegistry().bind("remoteSteps", new RemoteSteps(records, inference, generation.pollTimeout(), claims));
        ctx.getRegistry().bind("jobImages", new JobImages(home, records, generation.maxImageBytes()));
        ctx.getRegistry().bind("jobEvents", new JobEvents(jobs));
        ctx.getRegistry().bind("localPreview", new PreviewProcessor());
        ctx.getRegistry().bind("openAiImages", new OpenAiImages(json));
        ctx.getRegistry().bind("renderedImages", new RenderedImages());

        // For /api/health and the HTTP API's queue_full check (ApiBeans looks these two up).
        Supplier<Map<String, Object>> health = () -> {
            Map<String, Object> h = new LinkedHashMap<>(outcomes.health());
            h.put("workers_busy", claims.busy());
            return h;
        };
        ctx.getRegistry().bind("generationHealth", health);
        // Room on the generation.queue endpoint when it is an in-process queue; a broker reports no limit here.
        // Resolved when asked: a configured broker replaces the property after this class has run.
        IntSupplier queueRoom = () -> ctx.getEndpoint(ctx.resolvePropertyPlaceholders("{{generation.queue}}"))
                instanceof SedaEndpoint seda ? seda.getQueue().remainingCapacity() : Integer.MAX_VALUE;
        ctx.getRegistry().bind("generationQueueRoom", queueRoom);

        ctx.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    claims.stopping();
                }
            }
        });
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
}
