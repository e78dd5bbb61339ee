package dev.toploras.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Settings;
import dev.toploras.inputs.InputStore;
import dev.toploras.jobs.JobStore;
import java.nio.file.Path;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.FileUtil;

/**
 * `worker` (runtime.queue=worker): the generation beans keep their jobs in {@code scratch}, a temporary folder
 * deleted at stop (CoreBeans' home there); this connects them to the broker, whose job queue worker.camel.yaml
 * consumes. The worker's name (worker.name, default host name and pid) is recorded as meta.worker.
 */
public final class WorkerBeans implements CamelConfiguration {
    private final Path scratch;
    @BeanInject("settings")
    Settings settings;
    @BeanInject("json")
    ObjectMapper json;

    public WorkerBeans(Path scratch) {
        this.scratch = scratch;
    }

    @BindToRegistry(value = "workerSteps", lazy = true)
    public WorkerSteps workerSteps(@BeanInject("jobStore") JobStore jobs, @BeanInject("inputStore") InputStore inputs) {
        String name = settings.text("worker.name");
        if (name.isEmpty()) {
            name = dev.toploras.generation.GenerationSettings.from(settings, settings.list("catalog.tasks")).node() + "-" + ProcessHandle.current().pid();
        }
        return new WorkerSteps(name, jobs, json).withInputs(inputs);
    }

    @Override
    public void configure(CamelContext ctx) throws Exception {
        BrokerWiring.connect(ctx, BrokerSettings.from(settings).forWorker(), null);
        WorkerSteps steps = ctx.getRegistry().lookupByNameAndType("workerSteps", WorkerSteps.class);
        ctx.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                // routes can be started only once the context is fully up
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
                ProducerTemplate template = context.createProducerTemplate();
                steps.forwardTo((jobId, body) -> template.sendBodyAndHeader("direct:worker-update", body,
                        "JMSXGroupID", jobId));
                // generation-run starts only with `serve`; a worker runs it behind its own queue consumer, and
                // takes jobs only once their events have somewhere to go.
                context.getRouteController().startRoute("generation-run");
                context.getRouteController().startRoute("worker-take");
            }
        });
        ctx.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                FileUtil.removeDir(scratch.toFile());
            }
        }, true, true);
    }
}
