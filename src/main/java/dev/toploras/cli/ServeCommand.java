package dev.toploras.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs the long-lived runtime: scheduled catalog refreshes (catalog.refresh-cron). Ctrl-C stops it.")
public final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    TopLorasCommand parent;

    @Override
    public Integer call() throws InterruptedException {
        return parent.runUntilStopped(Map.of("runtime.serve", "true"),
                runtime -> "serving from " + runtime.home().root() + " (Ctrl-C to stop)");
    }
}
