package dev.toploras.runs;

/** A refresh of the same task (and order) is running already, in this process or another on the same home. */
public final class RefreshBusyException extends IllegalStateException {
    private final String runId;

    public RefreshBusyException(String task, String runId) {
        super("a refresh of '" + task + "' is already running" + (runId == null ? "" : " (run " + runId + ")")
                + "; wait for it to end, or watch it at /api/v1/runs");
        this.runId = runId;
    }

    /** The run holding the task, when it could be read; null otherwise. */
    public String runId() {
        return runId;
    }
}
