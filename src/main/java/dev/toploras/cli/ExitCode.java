package dev.toploras.cli;

/** Exit codes of every command; the README lists them. */
public final class ExitCode {
    public static final int OK = 0;
    /** Something unexpected; the message says what. */
    public static final int INTERNAL = 1;
    /** Bad flags or arguments (picocli's own code). */
    public static final int USAGE = 2;
    /** ModelScope could not be reached, timed out or answered 5xx, after the configured retries. */
    public static final int UPSTREAM_UNAVAILABLE = 3;
    /** ModelScope refused the request (4xx, rate limit, or an error envelope such as Success:false). */
    public static final int UPSTREAM_REJECTED = 4;
    /** What would have been written failed its JSON Schema; nothing was replaced. */
    public static final int INVALID_OUTPUT = 5;
    /** Configuration or a route file is wrong (bad value, YAML error); nothing ran. */
    public static final int CONFIG = 6;
    /** The job failed, was cancelled, or its request was rejected (see its document or inbox/.error/). */
    public static final int JOB_NOT_SUCCEEDED = 7;
    /** No job with that id in cache/outputs/, or (trends) no history for the task yet. */
    public static final int NOT_FOUND = 8;

    /** submit --wait: no serve runs for the home, so nothing would take the request; it waits in inbox/. */
    public static final int NOT_SERVED = 9;
    /** Ctrl-C stopped a one-shot command before its work was done (128 + SIGINT, as shells report it). */
    public static final int INTERRUPTED = 130;

    private ExitCode() {
    }
}
