package dev.toploras.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import dev.toploras.core.AtomicFiles;
import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.core.SchemaFile;
import dev.toploras.jobs.InvalidJobRequestException;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobRequestReader;
import dev.toploras.jobs.JobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.camel.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Hands a job request to the runtime: checks it against the job request schema, then writes it "
                + "into <home>/inbox/ (atomically), where a running `serve` picks it up.",
            "Prints the job id; --wait follows the job until it is finished.",
            "Exit 0: submitted (with --wait: succeeded); 2: the request is invalid (the message names the field); "
                + "7: with --wait, the job failed, was cancelled or was rejected."})
public final class SubmitCommand implements Callable<Integer> {
    // Built when used, not when picocli creates the command: the validator's loggers would fix the log level before
    // the command line is read (Logging).
    private static final String REQUEST_SCHEMA = "schemas/job-request.schema.json";
    @ParentCommand
    TopLorasCommand parent;

    @Parameters(index = "0", paramLabel = "JOB.json", description = "The job request (see schemas/job-request.schema.json).")
    Path file;

    @Option(names = "--image", paramLabel = "IMAGE", description = "An input image file (PNG, JPEG, WebP) for an edit or "
            + "image-to-image job, repeatable up to 3: copied into the inbox beside the job and named in its images.")
    List<Path> images = new java.util.ArrayList<>();

    @Option(names = "--wait", description = "Wait until the job succeeded, failed or was cancelled.")
    boolean await;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "How long --wait waits (default ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (await && timeoutMillis() <= 0) {
            System.err.println("top-loras: --timeout must be a positive duration such as 90s or 10m, got '" + timeout
                    + "'");
            return ExitCode.USAGE;
        }
        ObjectMapper json = Json.mapper();
        JsonNode request;
        if (!Files.isRegularFile(file)) {
            System.err.println("top-loras: no file " + file + (Files.exists(file) ? " (it is not a regular file)" : "")
                    + "; give the path of a job request, a JSON file as in the README");
            return ExitCode.USAGE;
        }
        try {
            request = json.readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // the parser's own message without its "Source: REDACTED (...)" location dump
            System.err.println("top-loras: " + file + " is not valid JSON: " + e.getOriginalMessage() + Json.where(e));
            return ExitCode.USAGE;
        } catch (IOException e) {
            System.err.println("top-loras: cannot read " + file + ": " + e.getMessage());
            return ExitCode.USAGE;
        }
        if (request == null || !request.isObject()) {
            System.err.println("top-loras: " + file + " must hold a JSON object (a job request)");
            return ExitCode.USAGE;
        }
        // The id decides the inbox file name, so --wait knows which output and which .error file to watch.
        String jobId = request.path("job_id").asText("");
        if (jobId.isEmpty()) {
            jobId = UUID.randomUUID().toString();
            ((ObjectNode) request).put("job_id", jobId);
        }
        if (!jobId.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")) {
            System.err.println("top-loras: job_id '" + jobId + "' must match [A-Za-z0-9._-]{1,64} and not start with '.'");
            return ExitCode.USAGE;
        }
        List<Path> toCopy;
        try {
            toCopy = imageFiles((ObjectNode) request, jobId);
        } catch (IllegalArgumentException e) {
            System.err.println("top-loras: " + e.getMessage() + " (nothing was submitted)");
            return ExitCode.USAGE;
        }
        String invalid = invalid(json, request);
        if (invalid != null) {
            System.err.println("top-loras: " + file + " is not a valid job request: " + invalid
                    + " (nothing was submitted)");
            return ExitCode.USAGE;
        }
        Home home = parent.home();
        Path inboxFile = home.inbox().resolve(jobId + ".json");
        String readOnly = home.cannotWrite(home.inbox());
        if (readOnly != null) {
            System.err.println("top-loras: " + readOnly);
            return ExitCode.CONFIG;
        }
        // The images first, each atomically: the job that names them must find them complete when it is read.
        JsonNode refs = request.path("images");
        for (int i = 0; i < toCopy.size(); i++) {
            if (toCopy.get(i) != null) {
                AtomicFiles.write(home.inbox().resolve(refs.get(i).asText()), Files.readAllBytes(toCopy.get(i)));
            }
        }
        AtomicFiles.write(inboxFile, json.writeValueAsBytes(request));
        System.out.println("submitted " + jobId + " (" + home.relative(inboxFile) + ")");
        if (await && !dev.toploras.inbox.InboxLock.served(home.inbox())) {
            System.err.println("top-loras: nothing serves " + home.relative(home.inbox()) + "/ (no `top-loras serve`"
                    + " is running for " + home.root() + "): the request waits there; start serve to run it, then `status "
                    + jobId + "`");
            return ExitCode.NOT_SERVED;
        }
        return await ? follow(home, jobId, inboxFile.getFileName().toString()) : ExitCode.OK;
    }

    /**
     * The local files the job's images come from, by position in its {@code images} (null where a ref is a URL, an
     * upload, or a name already in the inbox): each --image, and each plain name that lies beside JOB.json. Their
     * refs are rewritten to the name the copy gets in the inbox ({@code <job_id>-<n>.<ext>}), so two jobs never share
     * a file.
     */
    private List<Path> imageFiles(ObjectNode request, String jobId) {
        com.fasterxml.jackson.databind.node.ArrayNode refs = request.has("images") && request.get("images").isArray()
                ? (com.fasterxml.jackson.databind.node.ArrayNode) request.get("images") : request.putArray("images");
        List<Path> files = new java.util.ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            String ref = refs.get(i).asText();
            Path beside = ref.contains(":") || ref.contains("/") || ref.contains("\\") || ref.contains("..")
                    ? null : file.toAbsolutePath().resolveSibling(ref);
            files.add(beside != null && Files.isRegularFile(beside, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    ? beside : null);
        }
        for (Path image : images) {
            if (!Files.isRegularFile(image, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException("--image " + image + " is not a regular file");
            }
            refs.add("");
            files.add(image);
        }
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i) != null) {
                String name = files.get(i).getFileName().toString();
                int dot = name.lastIndexOf('.');
                String ext = dot > 0 ? name.substring(dot).toLowerCase(java.util.Locale.ROOT) : "";
                refs.set(i, jobId + "-" + (i + 1) + ext);
            }
        }
        if (refs.isEmpty()) {
            request.remove("images");
        }
        return files;
    }

    private long timeoutMillis() {
        try {
            return TimeUtils.toMilliSeconds(timeout.trim());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * The checks the inbox makes, made here so a mistake is told at once instead of landing in inbox/.error/: the
     * same schema, then the reader's own rules (weights, sizes, ids). Which tasks are allowed is the running
     * runtime's configuration, so the request's own task is let through here and checked by `serve`.
     */
    static String invalid(ObjectMapper json, JsonNode request) {
        List<ValidationMessage> errors = new SchemaFile(REQUEST_SCHEMA).errors(request);
        if (!errors.isEmpty()) {
            return errors.stream().map(ValidationMessage::getMessage).collect(Collectors.joining("; "));
        }
        try {
            new JobRequestReader(json, Set.of(request.path("task").asText(""))).read(json.writeValueAsBytes(request));
            return null;
        } catch (InvalidJobRequestException e) {
            return e.getMessage();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private int follow(Home home, String jobId, String inboxName) throws InterruptedException {
        JobStore store = new JobStore(home, Json.mapper(), Clock.systemUTC());
        Path rejected = home.inbox().resolve(".error").resolve(inboxName + ".error.json");
        Instant deadline = Instant.now().plus(Duration.ofMillis(timeoutMillis()));
        while (Instant.now().isBefore(deadline)) {
            Optional<JobDocument> doc = store.find(jobId);
            if (doc.isPresent() && doc.get().status().isTerminal()) {
                StatusCommand.print(home, store, doc.get());
                return StatusCommand.exitCode(doc.get());
            }
            if (doc.isEmpty() && Files.exists(rejected)) {
                System.err.println("top-loras: rejected by the inbox: " + StatusCommand.reason(rejected));
                return ExitCode.JOB_NOT_SUCCEEDED;
            }
            Thread.sleep(200); // a CLI waiting on files; the runtime itself never sleeps like this
        }
        System.err.println("top-loras: " + jobId + " not finished after " + timeout
                + " (is `top-loras serve` running for this home?); `status " + jobId + "` shows it later");
        return ExitCode.JOB_NOT_SUCCEEDED;
    }
}
