package dev.toploras.core;

/**
 * Ctrl-C on a one-shot command against the one write that makes its work count (a fetch's new cache file). A
 * Ctrl-C that comes first stops the process at once and that write never happens, so the previous cache stays as
 * it was; a Ctrl-C that comes during or after it lets the command finish, so its exit code tells the truth. There is
 * one per process because there is one Ctrl-C per process: the signal handler and the write meet here without
 * either knowing the other's objects.
 */
public final class Interruption {
    public static final Interruption PROCESS = new Interruption();
    private boolean requested;
    private boolean committed;

    Interruption() {
    }

    /** Runs the write that completes the work, unless a Ctrl-C came first (then it throws and writes nothing). */
    public synchronized void commit(Runnable write) {
        if (requested) {
            throw new InterruptedWorkException();
        }
        committed = true;
        write.run();
    }

    /**
     * A Ctrl-C: true when the work is not done (the caller stops the process; no commit will run), false when its
     * commit ran or is running (the caller lets it finish).
     */
    public synchronized boolean request() {
        if (committed) {
            return false;
        }
        requested = true;
        return true;
    }

    /** Thrown by a commit after a Ctrl-C. */
    public static final class InterruptedWorkException extends RuntimeException {
        InterruptedWorkException() {
            super("interrupted (Ctrl-C) before the result was written");
        }
    }
}
