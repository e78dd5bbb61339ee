package dev.toploras.cli;

import dev.toploras.core.Home;
import dev.toploras.runtime.KnownSettings;
import dev.toploras.runtime.SettingException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "top-loras",
        mixinStandardHelpOptions = true,
        versionProvider = TopLorasCommand.Version.class,
        description = "Leaderboard of popular ModelScope LoRAs, and text-to-image jobs for them.",
        subcommands = {FetchCommand.class, ServeCommand.class, DemoCommand.class, SubmitCommand.class, StatusCommand.class,
            CancelCommand.class, TrendsCommand.class, WorkerCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:unexpected error",
            "2:bad flags or arguments",
            "3:ModelScope unavailable or timing out after retries",
            "4:ModelScope refused the request (4xx, rate limit, error reply)",
            "5:output failed its JSON Schema; nothing replaced",
            "6:configuration or route file error",
            "7:job failed, cancelled or rejected; cancel: the job has already ended",
            "8:no such job, or no history for the task",
            "9:submit --wait: no serve runs for this home (the request waits in inbox/)",
            "130:interrupted (Ctrl-C) before the work was done"})
public final class TopLorasCommand implements Runnable {
    // INHERIT: `fetch --home DIR` works as well as `--home DIR fetch`; the value lands in this one field.
    @Option(names = "--home", paramLabel = "DIR", defaultValue = "${env:TOP_LORAS_HOME:-.}",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Folder holding cache/, routes/ and inbox/ (env TOP_LORAS_HOME; default: current folder).")
    Path home;

    @Option(names = "--set", paramLabel = "KEY=VALUE", scope = CommandLine.ScopeType.INHERIT,
            description = "Override a configuration key for this run, e.g. --set retries.max=5 (repeatable).")
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Log at INFO as well; one-shot commands otherwise log only warnings.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public Home home() {
        return new Home(home);
    }

    /** --set values first, then a command's own flags, which win. */
    public java.util.Map<String, String> overrides(java.util.Map<String, String> commandFlags) {
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(settings);
        all.putAll(commandFlags);
        return all;
    }

    /** What a one-shot command does with a started runtime; returns its exit code. */
    @FunctionalInterface
    public interface WithRuntime {
        int run(dev.toploras.runtime.TopLorasRuntime runtime) throws Exception;
    }

    /**
     * Starts the runtime with the command's flags, runs {@code body} and stops it. A start-up failure (a YAML or
     * configuration error) or an unexpected failure of the body is printed as one line and its exit code returned.
     */
    public int withRuntime(java.util.Map<String, String> commandFlags, WithRuntime body) throws Exception {
        if (!settingsAreKnown()) {
            return ExitCode.USAGE;
        }
        Started started = start(home(), commandFlags, dev.toploras.modelscope.ModelScopeToken.fromEnvironment());
        if (started.runtime() == null) {
            return started.exitCode();
        }
        try (dev.toploras.runtime.TopLorasRuntime runtime = started.runtime()) {
            return body.run(runtime);
        } catch (RuntimeException e) {
            Failures.Verdict v = Failures.judge(e);
            System.err.println("top-loras: " + v.message());
            return v.exitCode();
        }
    }

    private record Started(dev.toploras.runtime.TopLorasRuntime runtime, int exitCode) {
    }

    /** A start-up failure (a YAML or configuration error) is printed as one line; its exit code comes back. */
    private Started start(Home at, java.util.Map<String, String> commandFlags,
                          java.util.function.Supplier<java.util.Optional<String>> token) {
        try {
            return new Started(dev.toploras.runtime.TopLorasRuntime.start(at, overrides(commandFlags), token,
                    java.time.Clock.systemUTC()), 0);
        } catch (Exception e) {
            Failures.Verdict v = Failures.startup(e);
            System.err.println("top-loras: " + v.message());
            return new Started(null, v.exitCode());
        }
    }

    /**
     * Starts a long-running runtime (serve, worker), prints its banner and waits until the process is stopped
     * (Ctrl-C, SIGTERM), then stops it. A start-up failure is printed as one line and its exit code returned.
     */
    public int runUntilStopped(java.util.Map<String, String> commandFlags,
                               java.util.function.Function<dev.toploras.runtime.TopLorasRuntime, String> banner)
            throws InterruptedException {
        return runUntilStopped(new Stoppable(home(), dev.toploras.modelscope.ModelScopeToken.fromEnvironment(),
                () -> { }), commandFlags, banner);
    }

    /** Where a long-running runtime lives, its ModelScope token, and what else stops with it. */
    public record Stoppable(Home home, java.util.function.Supplier<java.util.Optional<String>> token,
                            Runnable alsoStop) {
    }

    /** {@link #runUntilStopped(java.util.Map, java.util.function.Function)} in another home, with another token. */
    public int runUntilStopped(Stoppable what, java.util.Map<String, String> commandFlags,
                               java.util.function.Function<dev.toploras.runtime.TopLorasRuntime, String> banner)
            throws InterruptedException {
        if (!settingsAreKnown()) {
            what.alsoStop().run();
            return ExitCode.USAGE;
        }
        Started started = start(what.home(), commandFlags, what.token());
        if (started.runtime() == null) {
            what.alsoStop().run();
            return started.exitCode();
        }
        dev.toploras.runtime.TopLorasRuntime runtime = started.runtime();
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            what.alsoStop().run();
            stopped.countDown();
        }, "top-loras-shutdown"));
        System.err.println("top-loras: " + banner.apply(runtime));
        stopped.await();
        return ExitCode.OK;
    }

    /**
     * Checks every --set key and value before Camel starts (a typo would otherwise be ignored, a wrong type fail deep
     * in a route); prints one line and returns false when one is wrong.
     */
    boolean settingsAreKnown() {
        try {
            KnownSettings.of(home()).check(settings);
            return true;
        } catch (SettingException e) {
            System.err.println("top-loras: " + e.getMessage());
            return false;
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs a command in this JVM as tests do: the log level is left as it is. */
    public static int run(String... args) {
        return commandLine(new TopLorasCommand()).execute(args);
    }

    /**
     * The command line with one-line usage errors: picocli would print its whole usage text after a value it
     * cannot convert (--limit 100000000000), and name an unknown option without our prefix or a suggestion.
     */
    static CommandLine commandLine(TopLorasCommand root) {
        CommandLine cli = new CommandLine(root);
        cli.setParameterExceptionHandler((ex, args) -> {
            System.err.println("top-loras: " + UsageErrors.line(ex));
            return ExitCode.USAGE;
        });
        return cli;
    }

    /** Runs a command as the process's one command: its log level is set from the command and --verbose first. */
    public static int runProcess(String... args) {
        TopLorasCommand root = new TopLorasCommand();
        CommandLine cli = commandLine(root);
        cli.setExecutionStrategy(parsed -> {
            String command = parsed.subcommand() == null ? null : parsed.subcommand().commandSpec().name();
            Logging.configure(command, root.verbose);
            if (command != null && !java.util.Set.of("serve", "worker", "demo").contains(command)) {
                CtrlC.stopsOneShot(command);
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TopLorasCommand.class.getPackage().getImplementationVersion();
            return new String[] {"top-loras " + (v == null ? "dev" : v)};
        }
    }
}
