package dev.toploras.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Runs generation jobs for a `serve` coordinator on another machine, through the broker it "
                + "uses (broker.url, broker.user, BROKER_PASSWORD). Needs no shared disk: jobs run on this machine's "
                + "backends with its own MODELSCOPE_API_TOKEN, and events and images go back over the broker.",
            "Ctrl-C stops it; a job it was running goes back to the queue for another worker."})
public final class WorkerCommand implements Callable<Integer> {
    @ParentCommand
    TopLorasCommand parent;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Shown in /api/health and recorded as each job's meta.worker (default: host name and pid).")
    String name;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("runtime.worker", "true");
        if (name != null && !name.isBlank()) {
            flags.put("worker.name", name.trim());
        }
        if (!parent.settingsAreKnown()) {
            return ExitCode.USAGE;
        }
        // Before Camel starts: a worker that cannot reach its broker says so once and stops (it used to print
        // "taking jobs" and retry every 5 s with stack dumps, or quietly look for a broker on this machine).
        String problem = dev.toploras.broker.BrokerProbe.problem(
                dev.toploras.runtime.TopLorasRuntime.settingsWithoutStarting(parent.home(), parent.overrides(flags)));
        if (problem != null) {
            System.err.println("top-loras: " + problem);
            return ExitCode.CONFIG;
        }
        return parent.runUntilStopped(flags, runtime -> "worker "
                + runtime.bean("workerSteps", dev.toploras.broker.WorkerSteps.class).name()
                + " taking jobs (Ctrl-C to stop)");
    }
}
