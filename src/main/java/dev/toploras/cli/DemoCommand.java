package dev.toploras.cli;

import dev.toploras.core.Home;
import dev.toploras.demo.ModelScopeStandIn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code serve} against a ModelScope stand-in inside this process: no network, no token. It is a command of its own
 * rather than {@code serve --demo} because it differs in where it lives (its own home, never the current folder or
 * TOP_LORAS_HOME, so it cannot mix with real data), and a flag on serve would invite combining it with a real home.
 * Everything else is serve's code path; only modelscope.base-url and modelscope.inference-url change.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole product offline: `serve` against a ModelScope stand-in built into the jar "
                + "(a real captured listing page, drawn covers, API-Inference answering with labelled images).",
            "No network and no token needed. It lives in its own home, ./demo-home unless --home names another "
                + "(a folder used only by demo); it prints the URL to open. Ctrl-C stops it."})
public final class DemoCommand implements Callable<Integer> {
    /** Marks a folder as a demo home; demo refuses a non-empty folder without it. */
    static final String MARKER = ".top-loras-demo";

    @ParentCommand
    TopLorasCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "Port of the web page and API (server.port).")
    Integer port;

    @Override
    public Integer call() throws InterruptedException {
        if (port != null && (port < 1 || port > 65535)) {
            System.err.println("top-loras: --port must be between 1 and 65535, got " + port);
            return ExitCode.USAGE;
        }
        Home home = new Home(homeGiven() ? parent.home : Path.of("demo-home"));
        String refused = claim(home.root());
        if (refused != null) {
            System.err.println("top-loras: " + refused);
            return ExitCode.USAGE;
        }
        ModelScopeStandIn standIn;
        try {
            standIn = ModelScopeStandIn.start();
        } catch (IOException e) {
            System.err.println("top-loras: could not start the demo's ModelScope stand-in: " + e.getMessage());
            return ExitCode.INTERNAL;
        }
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("runtime.serve", "true");
        flags.put("modelscope.base-url", standIn.baseUrl());
        flags.put("modelscope.inference-url", standIn.baseUrl());
        if (port != null) {
            flags.put("server.port", port.toString());
        }
        // A made-up token that only the stand-in (loopback, this process) receives; a real MODELSCOPE_API_TOKEN in
        // the environment is never used by the demo.
        TopLorasCommand.Stoppable demo = new TopLorasCommand.Stoppable(home, () -> Optional.of("demo-token"),
                standIn::close);
        return parent.runUntilStopped(demo, flags, runtime -> "demo (offline: ModelScope is a stand-in inside this "
                + "process) in " + runtime.home().root() + ": open " + ServeCommand.url(runtime)
                + " (Ctrl-C to stop)");
    }

    /** --home given on the command line (before or after `demo`); TOP_LORAS_HOME is a real home, so not that. */
    private boolean homeGiven() {
        CommandLine.ParseResult own = spec.commandLine().getParseResult();
        if (own != null && own.hasMatchedOption("--home")) {
            return true;
        }
        CommandLine.ParseResult top = parent.spec.commandLine().getParseResult();
        return top != null && top.hasMatchedOption("--home");
    }

    /** Makes {@code dir} a demo home, or says why it cannot be one. */
    static String claim(Path dir) {
        try {
            if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER))) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        return dir + " holds other files and is not a demo home (no " + MARKER + " in it); the demo "
                                + "never mixes with real data: leave out --home (./demo-home) or name an empty folder";
                    }
                }
            }
            Files.createDirectories(dir);
            if (!Files.exists(dir.resolve(MARKER))) {
                Files.writeString(dir.resolve(MARKER), "made by `top-loras demo`; delete this folder to start over\n");
            }
            return null;
        } catch (IOException e) {
            return "cannot use " + dir + " as the demo home: " + e.getMessage() + " (is it writable?)";
        }
    }
}
