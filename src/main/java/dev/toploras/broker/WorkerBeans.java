package dev.toploras.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.jobs.JobStore;
import dev.toploras.runtime.Home;
import dev.toploras.runtime.Settings;
import java.nio.file.Path;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.FileUtil;

/**
 * `worker`: the generation beans (GenerationBeans, run before this) keep their jobs in {@code scratch}, a temporary
 * folder deleted at stop; this connects them to the broker. {@code home} is the worker's own home, for its route
 * files. The worker's name (worker.name, default host name and pid) is recorded as meta.worker.
 */
public final class WorkerBeans implements CamelConfiguration {
    private final Home home;
    private final Path scratch;

    public WorkerBeans(Home home, Path scratch) {
        this.home = home;
        this.scratch = scratch;
    }

    @Override
    public void configure(CamelContext ctx) throws Exception {
        Settings settings = ctx.getRegistry().lookupByNameAndType("settings", Settings.class);
        String name = settings.text("worker.name");
        if (name.isEmpty()) {
            name = settings.generation(settings.list("catalog.tasks")).node() + "-" + ProcessHandle.current().pid();
        }
        BrokerWiring.worker(ctx, home, settings, ctx.getRegistry().lookupByNameAndType("jobStore", JobStore.class),
                name, ctx.getRegistry().lookupByNameAndType("json", ObjectMapper.class));
        ctx.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                FileUtil.removeDir(scratch.toFile());
            }
        }, true, true);
    }
}
