package dev.toploras.cli;

import dev.toploras.core.AtomicFiles;
import dev.toploras.core.Interruption;

/**
 * Ctrl-C on a one-shot command. The JVM's own way (shutdown hooks) let Camel stop gracefully, which waits for the
 * running exchange: a fetch downloaded every cover and wrote its cache before it exited 130. Here SIGINT stops the
 * process at once, before the result is written (see {@link Interruption}): temp files being written are removed
 * and the exit code is 130. When the result is already being written, the command finishes and exits as it would
 * have. Long-running commands (serve, worker, demo) keep the shutdown hooks, which stop them cleanly.
 */
final class CtrlC {
    private CtrlC() {
    }

    static void stopsOneShot(String command) {
        String what = command.equals("fetch") ? "; nothing was written: the previous cache is unchanged"
                : command.equals("submit") ? " (a job already in inbox/ still runs there; `status` shows it)" : "";
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
                if (!Interruption.PROCESS.request()) {
                    return; // the result is being written: let the command finish and report it
                }
                AtomicFiles.deleteLiveTemps();
                System.out.flush();
                System.err.println(System.lineSeparator() + "top-loras: " + command
                        + " interrupted (Ctrl-C) before its work was done" + what);
                System.err.flush();
                Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGINT on this platform (or the JVM runs with -Xrs): the JVM's default applies
        }
    }
}
