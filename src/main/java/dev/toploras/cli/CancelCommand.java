package dev.toploras.cli;

import dev.toploras.jobs.JobDocument;
import dev.toploras.jobs.JobStore;
import dev.toploras.runtime.Home;
import dev.toploras.storage.Json;
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
            "Works whether or not `serve` is running (it acts on the request when it starts).",
            "Exit 0: cancel requested; 7: the job has already ended; 8: no such job."})
public final class CancelCommand implements Callable<Integer> {
    @ParentCommand
    TopLorasCommand parent;

    @Parameters(index = "0", paramLabel = "JOB_ID")
    String jobId;

    @Override
    public Integer call() {
        Home home = parent.home();
        JobStore store = new JobStore(home, Json.mapper(), Clock.systemUTC());
        Optional<JobDocument> doc = store.find(jobId);
        if (doc.isEmpty()) {
            System.err.println("top-loras: no job '" + jobId + "'");
            return ExitCode.NOT_FOUND;
        }
        if (doc.get().status().isTerminal()) {
            System.err.println("top-loras: job " + jobId + " is already " + doc.get().status() + "; nothing to cancel");
            return ExitCode.JOB_NOT_SUCCEEDED;
        }
        store.requestCancel(doc.get());
        System.out.println("cancel requested for " + jobId + " (" + doc.get().status() + ")");
        return ExitCode.OK;
    }
}
