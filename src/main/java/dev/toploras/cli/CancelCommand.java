package dev.toploras.cli;

import dev.toploras.core.Home;
import dev.toploras.core.Json;
import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Leaves a cancel request ({@code <job_id>.cancel} beside the job document) instead of editing the document, so the
 * runtime stays its only writer: a queued job is cancelled when a worker takes it, a running one at its next poll.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Asks the runtime to cancel a job: a queued one never runs; a running one stops at its next "
                + "ModelScope poll.",
            "A job still waiting in inbox/ (no serve has taken it) is taken out of it, to inbox/.cancelled/.",
            "Works whether or not `serve` is running (it acts on the request when it starts).",
            "Exit 0: cancel requested; 7: the job has already ended; 8: no such job."})
public final class CancelCommand implements Callable<Integer> {
    /** Where `cancel` puts the request of a job cancelled while it waited in inbox/. */
    static final String CANCELLED = ".cancelled";

    @ParentCommand
    TopLorasCommand parent;

    @Parameters(index = "0", paramLabel = "JOB_ID")
    String jobId;

    @Override
    public Integer call() {
        Home home = parent.home();
        JobStore store = new JobStore(home, Json.mapper(), Clock.systemUTC());
        Optional<JobDocument> doc = store.find(jobId);
        if (doc.isEmpty() && dev.toploras.jobs.JobId.valid(jobId)) {
            Optional<Path> withdrawn = withdraw(home);
            if (withdrawn.isPresent()) {
                System.out.println("cancelled " + jobId + ": taken out of " + home.relative(home.inbox())
                        + "/ before serve ran it (the request is kept as " + home.relative(withdrawn.get()) + ")");
                return ExitCode.OK;
            }
            doc = store.find(jobId); // serve took the file meanwhile
        }
        if (doc.isEmpty()) {
            System.err.println("top-loras: no job '" + jobId + "' under " + home.relative(home.cache().resolve("outputs"))
                    + " or in " + home.relative(home.inbox()) + "/");
            return ExitCode.NOT_FOUND;
        }
        if (doc.get().status().isTerminal()) {
            System.err.println("top-loras: job " + jobId + " has already ended (" + doc.get().status().wire()
                    + "); nothing to cancel");
            return ExitCode.JOB_NOT_SUCCEEDED;
        }
        store.requestCancel(doc.get());
        System.out.println("cancel requested for " + jobId + " (" + doc.get().status() + ")");
        return ExitCode.OK;
    }

    /**
     * A job still waiting in inbox/ (submitted, serve not running or not there yet) is cancelled by moving its file
     * to inbox/.cancelled/ in one rename: either this wins and serve never sees it, or serve took it first and the
     * job is in the store. Empty when the file is not (or no longer) there.
     */
    private Optional<Path> withdraw(Home home) {
        Path waiting = home.inbox().resolve(jobId + ".json");
        if (!Files.isRegularFile(waiting, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            Path dir = Files.createDirectories(home.inbox().resolve(CANCELLED));
            Path target = dir.resolve(jobId + ".json");
            for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
                target = dir.resolve(jobId + "-" + n + ".json");
            }
            Files.move(waiting, target, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(target);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not take " + waiting + " out of the inbox: " + e.getMessage()
                    + " (is the home folder writable?)", e);
        }
    }
}
