package dev.toploras.generation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.CatalogSettings;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import dev.toploras.modelscope.InferenceClient;
import dev.toploras.modelscope.RequestTokens;
import dev.toploras.modelscope.UpstreamHealth;
import dev.toploras.modelscope.UpstreamHttp;
import dev.toploras.runtime.Home;
import dev.toploras.runtime.Settings;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * `serve` only: the job store, the inbox intake and the worker steps of routes/inbox and generation (moved as it
 * was from the former runtime/TopLorasBeans.serveBeans; one-shot commands never build it).
 */
public final class GenerationBeans implements CamelConfiguration {
    /** The ModelScope token's source; never bound in the registry. */
    private final Supplier<Optional<String>> token;
    @BeanInject("settings")
    Settings settings;
    @BeanInject("home")
    Home home;

    public GenerationBeans(Supplier<Optional<String>> token) {
        this.token = token;
    }
    @BeanInject("json")
    ObjectMapper json;
    @BeanInject("clock")
    Clock clock;
    @BeanInject("upstreamHealth")
    UpstreamHealth upstreamHealth;
    @BeanInject("catalogSettings")
    CatalogSettings catalog;

    @Override
    public void configure(CamelContext ctx) throws Exception {
        UpstreamHttp http = new UpstreamHttp(settings.duration("http.timeout"), upstreamHealth);
        // Generation: the job store, the inbox intake and the worker steps of routes/inbox and generation.
        GenerationSettings generation = settings.generation(catalog.tasks());
        JobStore jobs = new JobStore(home, json, clock);
        String localUrl = settings.text("local.url");
        LocalProcessor local = localUrl.isEmpty() ? new PreviewProcessor()
                : new OpenAiImagesProcessor(new UpstreamHttp(settings.duration("local.timeout"), upstreamHealth), json,
                localUrl);
        RequestTokens requestTokens = new RequestTokens();
        InferenceClient inference = new InferenceClient(http, json, settings.text("modelscope.inference-url"), token,
                requestTokens);
        JobRequestReader requestReader = new JobRequestReader(json, generation.tasks());
        JobIntake jobIntake = new JobIntake(home, jobs, requestReader, json, generation.node());
        GenerationSteps generationSteps = new GenerationSteps(home, jobs, inference, local, generation,
                requestTokens);
        ctx.getRegistry().bind("jobStore", jobs);
        ctx.getRegistry().bind("jobIntake", jobIntake);
        ctx.getRegistry().bind("requestTokens", requestTokens);
        ctx.getRegistry().bind("generationSteps", generationSteps);
        ctx.getRegistry().bind("jobRequestReader", requestReader);
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
