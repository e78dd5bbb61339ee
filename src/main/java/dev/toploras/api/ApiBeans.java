package dev.toploras.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.CatalogCache;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.core.Home;
import dev.toploras.core.Settings;
import dev.toploras.generation.GenerationHealth;
import dev.toploras.generation.JobIntake;
import dev.toploras.inputs.InputStore;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import dev.toploras.local.LocalHealth;
import dev.toploras.modelscope.RequestTokens;
import dev.toploras.modelscope.UpstreamHealth;
import dev.toploras.runs.RunStore;
import java.time.Clock;
import java.util.function.IntSupplier;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * `serve` only: the HTTP API over the same stores and queue the inbox and the catalog use (one-shot commands never
 * build it). What it takes from the generation and local beans comes as {@code @BeanInject} parameters of lazy
 * methods, built on first lookup, so no configuration class must run before this one.
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

    @BindToRegistry(value = "batchApi", lazy = true)
    public BatchApi batchApi(@BeanInject("requestIntake") JobIntake jobIntake,
                             @BeanInject("jobRequestReader") JobRequestReader requestReader,
                             @BeanInject("runStore") RunStore runs, @BeanInject("jobStore") JobStore jobs,
                             @BeanInject("requestTokens") RequestTokens requestTokens,
                             @BeanInject("generationQueueRoom") IntSupplier queueRoom) {
        return new BatchApi(jobIntake, requestReader, runs, jobs, requestTokens, queueRoom, json);
    }

    @BindToRegistry(value = "jobsApi", lazy = true)
    public JobsApi jobsApi(@BeanInject("jobStore") JobStore jobs, @BeanInject("requestIntake") JobIntake jobIntake,
                           @BeanInject("requestTokens") RequestTokens requestTokens,
                           @BeanInject("generationQueueRoom") IntSupplier queueRoom) {
        return new JobsApi(home, jobs, jobIntake, requestTokens, queueRoom, json,
                (int) settings.duration("api.max-wait").toSeconds(), settings.integer("api.max-waiting"));
    }

    @BindToRegistry(value = "uploadsApi", lazy = true)
    public UploadsApi uploadsApi(@BeanInject("inputStore") InputStore inputs) {
        return new UploadsApi(inputs);
    }

    @BindToRegistry(value = "runsApi", lazy = true)
    public RunsApi runsApi(@BeanInject("runStore") RunStore runs, @BeanInject("batchApi") BatchApi batches) {
        return new RunsApi(runs, batches::sync);
    }

    @BindToRegistry("tokenHeader")
    public TokenHeaderProcessor tokenHeader() {
        return new TokenHeaderProcessor();
    }

    @BindToRegistry("apiReply")
    public ApiReplyProcessor apiReply() {
        return new ApiReplyProcessor(json);
    }

    @BindToRegistry("apiError")
    public ApiErrorProcessor apiError() {
        return new ApiErrorProcessor(json);
    }

    @BindToRegistry(value = "catalogApi", lazy = true)
    public CatalogApi catalogApi(@BeanInject("catalogSettings") CatalogSettings catalog,
                                 @BeanInject("runStore") RunStore runs) {
        return new CatalogApi(home, catalog, new CatalogCache(json), runs, json, clock,
                settings.list("api.known-tasks"));
    }

    @BindToRegistry(value = "systemApi", lazy = true)
    public SystemApi systemApi(@BeanInject("runStore") RunStore runs,
                               @BeanInject("upstreamHealth") UpstreamHealth upstreamHealth,
                               @BeanInject("generationQueueRoom") IntSupplier queueRoom,
                               @BeanInject("generationHealth") GenerationHealth generationHealth,
                               @BeanInject("localHealth") LocalHealth localHealth) {
        SystemApi system = new SystemApi(home, runs, upstreamHealth,
                dev.toploras.modelscope.ListingClient.stripSlash(settings.text("modelscope.base-url")), clock);
        int queueSize = settings.integer("generation.queue-size");
        IntSupplier queueDepth = () -> queueSize - Math.min(queueSize, queueRoom.getAsInt());
        system.section("queue", () -> java.util.Map.of("depth", queueDepth.getAsInt(), "capacity", queueSize,
                "consumers", settings.integer("generation.concurrent-consumers")));
        system.section("generation", generationHealth::section);
        system.section("local", localHealth::section);
        system.gauge("top_loras_queue_depth", queueDepth::getAsInt);
        return system;
    }

    /** The server's own edge (HttpEdge), installed once Camel's server is up; the exposure checks fail the start. */
    /** GET /api/v1/local/...: the configured local backend ({{local:backend}}) and what it offers. */
    @BindToRegistry("localApi")
    public LocalApi localApi(CamelContext ctx) {
        return new LocalApi(ctx.resolvePropertyPlaceholders("{{local:backend}}"));
    }

    @Override
    public void configure(CamelContext ctx) throws Exception {
        String apiKey = settings.text("api.key");
        // camel.server.host is what the server binds, whichever key or variable set it (EdgeServer checks again).
        HttpEdge.checkExposure(settings.text("camel.server.host"), apiKey);
        EdgeServer.checkPortFree(settings.text("camel.server.host"), settings.integer("camel.server.port"));
        JobStore jobs = ctx.getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        InputStore inputs = ctx.getRegistry().lookupByNameAndType("inputStore", InputStore.class);
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
                dev.toploras.inputs.InputSettings.from(settings)),
                dev.toploras.inputs.InputSettings.from(settings).maxBytes());
        int port = settings.integer("server.port");
        ctx.addStartupListener((context, alreadyStarted) -> edge.install(context, port));
    }
}
