package dev.toploras.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which route files Camel loads: each bundled flow from the jar unless {@code <home>/routes/} has a file of the
 * same name, plus any other {@code *.camel.yaml} a user put there.
 */
public final class RouteFiles {
    /** The flows shipped in the jar (the files of the repository's routes/ folder). */
    public static final List<String> BUNDLED = List.of(
            "errors.camel.yaml",
            "catalog.camel.yaml",
            "covers.camel.yaml",
            "schedules.camel.yaml",
            "api.camel.yaml",
            "inbox.camel.yaml",
            "generation.camel.yaml",
            "local-http.camel.yaml",
            "local-preview.camel.yaml",
            "local-openai.camel.yaml",
            "local-loras.camel.yaml",
            "local-comfyui.camel.yaml",
            "local-comfyui-inputs.camel.yaml",
            "local-a1111.camel.yaml",
            "broker.camel.yaml",
            "worker.camel.yaml");

    /**
     * Flows only `serve` runs: the HTTP API needs the server it starts, and a one-shot `fetch` should not pay for
     * a Quartz scheduler, the job worker or the inbox it never uses (start-up time is most of a fetch).
     */
    public static final java.util.Set<String> SERVE_ONLY = java.util.Set.of("api.camel.yaml", "schedules.camel.yaml",
            "inbox.camel.yaml", "generation.camel.yaml", "local-http.camel.yaml", "local-preview.camel.yaml",
            "local-openai.camel.yaml",
            "local-loras.camel.yaml", "local-comfyui.camel.yaml", "local-comfyui-inputs.camel.yaml",
            "local-a1111.camel.yaml");

    /**
     * The flows of one queue role only (runtime.queue: seda, broker or worker, see generation.queue): the
     * coordinator's side of the broker and a worker's consumer.
     */
    public static final java.util.Map<String, String> ROLE_ONLY = java.util.Map.of("broker.camel.yaml", "broker",
            "worker.camel.yaml", "worker");

    /** The serve-only flows a `worker` runs too: the generation flow and its local backends. */
    public static final java.util.Set<String> WORKER = java.util.Set.of("generation.camel.yaml", "local-http.camel.yaml",
            "local-preview.camel.yaml", "local-openai.camel.yaml", "local-loras.camel.yaml",
            "local-comfyui.camel.yaml", "local-comfyui-inputs.camel.yaml", "local-a1111.camel.yaml");

    private RouteFiles() {
    }

    public static List<String> locations(Home home) {
        return locations(home, true);
    }

    public static List<String> locations(Home home, boolean serve) {
        return locations(home, serve, "seda");
    }

    /**
     * {@code queue}: the runtime.queue role. A `worker` (worker) runs the generation flow and its backends but
     * nothing else of serve; broker.camel.yaml and worker.camel.yaml come only with their role.
     */
    public static List<String> locations(Home home, boolean serve, String queue) {
        boolean worker = "worker".equals(queue);
        Path dir = home.routes();
        List<String> out = new ArrayList<>();
        for (String name : BUNDLED) {
            if (!serve && SERVE_ONLY.contains(name) && !(worker && WORKER.contains(name))
                    || ROLE_ONLY.containsKey(name) && !ROLE_ONLY.get(name).equals(queue)) {
                continue;
            }
            Path user = dir.resolve(name);
            out.add(Files.isRegularFile(user) ? userLocation(user) : "classpath:routes/" + name);
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml"))
                        .filter(p -> !BUNDLED.contains(p.getFileName().toString()))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .forEach(p -> out.add(userLocation(p)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** One bundled flow: the user's file of that name in {@code <home>/routes/}, else the jar's. */
    public static String location(Home home, String name) {
        Path user = home.routes().resolve(name);
        return Files.isRegularFile(user) ? fileLocation(user) : "classpath:routes/" + name;
    }

    private static final String GENERATION_STEPS = "the generation flow before its steps took values (submission,"
            + " pollWindow, outputImage, rendered and localReport)";

    /**
     * What a copy made from an older release names that this one no longer has, and since when: such a copy would
     * fail at its first refresh with a message about a bean method, far from the file that caused it.
     */
    static final Map<Pattern, String> RETIRED = Map.ofEntries(
            Map.entry(Pattern.compile("\\$\\{variable\\.run[}.]"),
                    "the catalog flow before it carried values (the run object is gone)"),
            Map.entry(Pattern.compile("#coverOutcome\\b"),
                    "the covers flow before it carried values (covers-fetch answers a CoverResult)"),
            Map.entry(Pattern.compile("submitted\\(\\$\\{variable\\.jobId\\}, \\$\\{variable\\.remoteTaskId\\}"),
                    GENERATION_STEPS),
            Map.entry(Pattern.compile("polling\\(\\$\\{variable\\.jobId\\}, \\$\\{variable\\.remoteTaskId\\}"),
                    GENERATION_STEPS),
            Map.entry(Pattern.compile("storeDownloaded\\(\\$\\{variable\\.jobId\\}, \\$\\{variable\\.imageIndex\\}"),
                    GENERATION_STEPS),
            Map.entry(Pattern.compile("storeRendered\\(\\$\\{variable\\.jobId\\}, \\$\\{body\\}"),
                    GENERATION_STEPS),
            Map.entry(Pattern.compile("\\bimage\\(\\$\\{body\\}, \\$\\{header\\.CamelHttpResponseCode\\}"),
                    "the ComfyUI backend before its image fetch took values (viewed, then image)"),
            Map.entry(Pattern.compile("\\bimages\\(\\$\\{body\\}, \\$\\{header\\.CamelHttpResponseCode\\}"),
                    "the OpenAI-images backend before its reply took values (reply, then images)"),
            Map.entry(Pattern.compile("receive\\(\\$\\{variable\\.jobId\\}, \\$\\{variable\\.loraModelId\\}"),
                    "the LoRA download flow before it carried values (prepare answers a LoraDownload)"),
            Map.entry(Pattern.compile("ref: jobsApi, method: accept(ed)?\\s*}|ref: batchApi, method: start\\s*}"),
                    "the HTTP API flow before its job calls took their arguments from the route"));


    /** A user's route file, refused in one line when it was copied from a release whose beans this one lacks. */
    static String userLocation(Path p) {
        String text;
        try {
            text = Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
        RETIRED.forEach((marker, what) -> {
            java.util.regex.Matcher m = marker.matcher(text);
            if (m.find()) {
                throw new IllegalArgumentException(p + " is a copy of " + what + " and names " + m.group()
                        + ", which this version no longer has: copy the bundled " + p.getFileName()
                        + " (routes/ of this release) again, redo your edit there, or remove the file");
            }
        });
        return fileLocation(p);
    }

    private static String fileLocation(Path p) {
        String s = p.toAbsolutePath().normalize().toString();
        if (s.contains(",")) {
            // Camel separates route locations with commas.
            throw new IllegalArgumentException("a route file path may not contain ',': " + s);
        }
        return "file:" + s;
    }
}
