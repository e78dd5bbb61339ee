package dev.toploras.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.CatalogCache;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.generation.JobIntake;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import dev.toploras.modelscope.RequestTokens;
import dev.toploras.modelscope.UpstreamHealth;
import dev.toploras.runs.RunStore;
import dev.toploras.runtime.Home;
import dev.toploras.runtime.Settings;
import java.time.Clock;
import java.util.function.IntSupplier;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * `serve` only: the HTTP API over the same stores and queue the inbox and the catalog use (moved as it was from the
 * former runtime/TopLorasBeans.serveBeans; one-shot commands never build it).
 */
public final class ApiBeans implements CamelConfiguration {
    @BeanInject("settings")
    Settings settings;
    @BeanInject("home")
    Home home;
    @BeanInject("json")
    ObjectMapper json;
    @BeanInject("clock")
    Clock clock;
    @BeanInject("upstreamHealth")
    UpstreamHealth upstreamHealth;
    @BeanInject("catalogSettings")
    CatalogSettings catalog;
    @BeanInject("runStore")
    RunStore runs;

    @Override
    public void configure(CamelContext ctx) throws Exception {
        // Bound by GenerationBeans.configure, which runs first.
        JobStore jobs = ctx.getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        JobIntake jobIntake = ctx.getRegistry().lookupByNameAndType("jobIntake", JobIntake.class);
        RequestTokens requestTokens = ctx.getRegistry().lookupByNameAndType("requestTokens", RequestTokens.class);
        JobRequestReader requestReader = ctx.getRegistry().lookupByNameAndType("jobRequestReader", JobRequestReader.class);
        // HTTP API over the same stores and queue the inbox and the catalog use.
        IntSupplier queueRoom = ctx.getRegistry().lookupByNameAndType("generationQueueRoom", IntSupplier.class);
        BatchApi batches = new BatchApi(jobIntake, requestReader, runs, jobs, requestTokens, queueRoom, json);
        ctx.getRegistry().bind("jobsApi", new JobsApi(home, jobs, jobIntake, requestTokens, queueRoom, json,
                (int) settings.duration("api.max-wait").toSeconds(), settings.integer("api.max-waiting")));
        ctx.getRegistry().bind("batchApi", batches);
        dev.toploras.inputs.InputStore inputs = ctx.getRegistry().lookupByNameAndType("inputStore",
                dev.toploras.inputs.InputStore.class);
        ctx.getRegistry().bind("uploadsApi", new UploadsApi(inputs));
        ctx.getRegistry().bind("runsApi", new RunsApi(runs, batches::sync));
        ctx.getRegistry().bind("tokenHeader", new TokenHeaderProcessor());
        ctx.getRegistry().bind("apiReply", new ApiReplyProcessor(json));
        ctx.getRegistry().bind("apiError", new ApiErrorProcessor(json));
        ctx.getRegistry().bind("catalogApi", new CatalogApi(home, catalog, new CatalogCache(json), runs, json, clock,
                settings.list("api.known-tasks")));

        SystemApi system = new SystemApi(home, runs, upstreamHealth, settings.text("modelscope.base-url"), clock);
        int queueSize = settings.integer("generation.queue-size");
        IntSupplier queueDepth = () -> queueSize - Math.min(queueSize, queueRoom.getAsInt());
        system.section("queue", () -> java.util.Map.of("depth", queueDepth.getAsInt(), "capacity", queueSize,
                "consumers", settings.integer("generation.concurrent-consumers")));
        @SuppressWarnings("unchecked")
        java.util.function.Supplier<java.util.Map<String, Object>> generationHealth =
                ctx.getRegistry().lookupByNameAndType("generationHealth", java.util.function.Supplier.class);
        system.section("generation", generationHealth::get);
        @SuppressWarnings("unchecked")
        java.util.function.Supplier<java.util.Map<String, Object>> localHealth =
                ctx.getRegistry().lookupByNameAndType("localHealth", java.util.function.Supplier.class);
        if (localHealth != null) {
            system.section("local", localHealth::get);
        }
        system.gauge("top_loras_queue_depth", queueDepth::getAsInt);
        ctx.getRegistry().bind("systemApi", system);

        String apiKey = settings.text("api.key");
        // camel.server.host is what the server binds, whichever key or variable set it (EdgeServer checks again).
        HttpEdge.checkExposure(settings.text("camel.server.host"), apiKey);
        EdgeServer.checkPortFree(settings.text("camel.server.host"), settings.integer("camel.server.port"));
        EventStream events = new EventStream(jobs::locateEvents, path -> HttpEdge.assetUrl(home.root(),
                home.cache().resolve("outputs"), "/assets/outputs/", path), json, 20, 15_000);
        ServerLimits limits = new ServerLimits(settings.duration("server.idle-timeout"),
                settings.duration("server.header-timeout"), settings.duration("server.body-timeout"),
                settings.integer("server.max-connections"), settings.integer("server.max-header-bytes"),
                settings.integer("server.max-initial-line-bytes"));
        HttpEdge edge = new HttpEdge(apiKey, settings.longValue("api.max-body-bytes"),
                settings.list("api.cors-origins"), home.cache().resolve("images"), home.cache().resolve("outputs"),
                events, json, limits);
        edge.inputs((jobId, file) -> jobs.find(jobId).flatMap(doc -> doc.inputs().stream()
                .filter(in -> (in.index() + "." + in.extension()).equals(file)).findFirst())
                .flatMap(in -> inputs.file(in.sha256())), new dev.toploras.inputs.InputLinks(inputs,
                settings.inputs()), settings.inputs().maxBytes());
        int port = settings.integer("server.port");
        ctx.addStartupListener((context, alreadyStarted) -> edge.install(context, port));
    }
}
