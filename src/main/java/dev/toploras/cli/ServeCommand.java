package dev.toploras.cli;

import dev.toploras.runtime.TopLorasRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the long-lived runtime until Ctrl-C.",
            "Jobs: takes job requests dropped into <home>/inbox/ (see `submit`) and runs them.",
            "HTTP: the JSON API under /api/v1 and the web gallery at /, on 127.0.0.1:8080 unless --host and --port "
                + "say otherwise; it prints the URL it listens on.",
            "Catalog: refreshes every catalog.tasks entry on catalog.refresh-cron, and once at start when a cache is "
                + "missing or older than catalog.ttl."})
public final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    TopLorasCommand parent;

    @Option(names = "--port", paramLabel = "PORT", description = "Port of the API and web page (server.port).")
    Integer port;

    @Option(names = "--host", paramLabel = "HOST",
            description = "Address to listen on (server.host); anything but loopback requires api.key.")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        if (port != null && (port < 1 || port > 65535)) {
            System.err.println("top-loras: --port must be between 1 and 65535, got " + port);
            return ExitCode.USAGE;
        }
        if (host != null && host.isBlank()) {
            System.err.println("top-loras: --host needs an address, e.g. 127.0.0.1 or 0.0.0.0");
            return ExitCode.USAGE;
        }
        Map<String, String> flags = new LinkedHashMap<>(Map.of("runtime.serve", "true"));
        if (port != null) {
            flags.put("server.port", port.toString());
        }
        if (host != null) {
            flags.put("server.host", host.trim());
        }
        return parent.runUntilStopped(flags, runtime -> "serving " + runtime.home().root() + ": web page and API on "
                + url(runtime) + ", " + inbox(runtime) + " (Ctrl-C to stop)");
    }

    /** The inbox it takes files from, or why it has none (a read-only home). */
    static String inbox(TopLorasRuntime runtime) {
        java.nio.file.Path dir = java.nio.file.Path.of(runtime.context().resolvePropertyPlaceholders("{{inbox.dir}}"));
        String problem = runtime.home().cannotWrite(dir);
        return problem == null ? "inbox " + runtime.home().relative(dir) + "/"
                : "no inbox (" + problem + ")";
    }

    /** The URL a browser on this machine opens: a wildcard bind address is reached through loopback. */
    static String url(TopLorasRuntime runtime) {
        String h = runtime.context().resolvePropertyPlaceholders("{{server.host}}");
        String p = runtime.context().resolvePropertyPlaceholders("{{server.port}}");
        if (h.equals("0.0.0.0") || h.equals("::") || h.isEmpty()) {
            h = "127.0.0.1";
        }
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + p + "/";
    }
}
