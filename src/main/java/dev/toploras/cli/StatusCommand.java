package dev.toploras.cli;

import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobStatus;
import dev.toploras.jobs.JobStore;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows a job's status from its document in cache/outputs/ (no runtime needed).",
            "A job still in inbox/ is shown as waiting there; one the inbox refused as rejected, with the reason.",
            "Exit 0: succeeded, queued or running; 7: failed, cancelled or rejected; 8: no such job."})
public final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    TopLorasCommand parent;

    @Parameters(index = "0", paramLabel = "JOB_ID")
    String jobId;

    @Option(names = "--json", description = "Print the whole job document.")
    boolean asJson;

    @Override
    public Integer call() throws Exception {
        Home home = parent.home();
        JobStore store = new JobStore(home, Json.mapper(), Clock.systemUTC());
        Optional<JobDocument> doc = store.find(jobId);
        if (doc.isEmpty()) {
            return notStored(home);
        }
        if (asJson) {
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc.get()));
        } else {
            print(home, store, doc.get());
        }
        return exitCode(doc.get());
    }

    /** Between `submit` and a running `serve` taking the file, the job exists only as a request in the inbox. */
    private int notStored(Home home) throws java.io.IOException {
        java.nio.file.Path waiting = home.inbox().resolve(jobId + ".json");
        java.nio.file.Path rejected = home.inbox().resolve(".error").resolve(jobId + ".json.error.json");
        if (java.nio.file.Files.isRegularFile(waiting)) {
            System.out.println(jobId + "  waiting in " + home.relative(waiting)
                    + " (a running `top-loras serve` for this home takes it)");
            return ExitCode.OK;
        }
        if (java.nio.file.Files.isRegularFile(rejected)) {
            System.out.println(jobId + "  rejected by the inbox: " + reason(rejected) + " (" + home.relative(rejected)
                    + ")");
            return ExitCode.JOB_NOT_SUCCEEDED;
        }
        java.nio.file.Path cancelled = home.inbox().resolve(CancelCommand.CANCELLED).resolve(jobId + ".json");
        if (java.nio.file.Files.isRegularFile(cancelled)) {
            System.out.println(jobId + "  cancelled while it waited in the inbox (request kept as "
                    + home.relative(cancelled) + ")");
            return ExitCode.JOB_NOT_SUCCEEDED;
        }
        System.err.println("top-loras: no job '" + jobId + "' under " + home.relative(home.cache().resolve("outputs"))
                + " or in " + home.relative(home.inbox()) + "/");
        return ExitCode.NOT_FOUND;
    }

    /** An inbox reason file ({code, message, details}) as one line: "code: message (field ...)". */
    static String reason(java.nio.file.Path file) {
        try {
            com.fasterxml.jackson.databind.JsonNode r = Json.mapper().readTree(file.toFile());
            String field = r.path("details").path("field").asText("");
            return r.path("code").asText("invalid_request") + ": " + r.path("message").asText("")
                    + (field.isEmpty() || field.equals("$") ? "" : " (field " + field + ")");
        } catch (java.io.IOException e) {
            return "see " + file;
        }
    }

    static void print(Home home, JobStore store, JobDocument d) {
        StringBuilder line = new StringBuilder(d.jobId() + "  " + d.status());
        if (d.meta().backend() != null) {
            line.append("  backend ").append(d.meta().backend());
        }
        if (!d.status().isTerminal() && store.cancelRequested(d)) {
            line.append("  (cancel requested)");
        }
        d.meta().notes().forEach(n -> line.append("\n  note ").append(n.code()).append(": ").append(n.message()));
        if (d.error() != null) {
            line.append("\n  error ").append(d.error().code()).append(": ").append(d.error().message());
        }
        d.result().forEach(r -> line.append("\n  image ").append(r.data().url()));
        line.append("\n  ").append(home.relative(store.documentFile(d.task(), d.jobId())));
        System.out.println(line);
    }

    /** Queued, running and succeeded are 0; a job that ended any other way is 7 (README, Exit codes). */
    static int exitCode(JobDocument d) {
        return d.status().isTerminal() && d.status() != JobStatus.SUCCEEDED ? ExitCode.JOB_NOT_SUCCEEDED : ExitCode.OK;
    }
}
