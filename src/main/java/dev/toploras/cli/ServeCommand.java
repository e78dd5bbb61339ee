package dev.toploras.cli;

import dev.toploras.runtime.TopLorasRuntime;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs the long-lived runtime: scheduled catalog refreshes (catalog.refresh-cron). Ctrl-C stops it.")
public final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    TopLorasCommand parent;

    @Override
    public Integer call() throws InterruptedException {
        TopLorasRuntime runtime;
        try {
            runtime = TopLorasRuntime.start(parent.home(), parent.overrides(Map.of("runtime.serve", "true")));
        } catch (Exception e) {
            Failures.Verdict v = Failures.startup(e);
            System.err.println("top-loras: " + v.message());
            return v.exitCode();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "top-loras-shutdown"));
        System.err.println("top-loras: serving from " + runtime.home().root() + " (Ctrl-C to stop)");
        stopped.await();
        return ExitCode.OK;
    }
}
