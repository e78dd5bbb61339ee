package dev.toploras.cli;

import dev.toploras.catalog.CatalogException;
import dev.toploras.modelscope.UpstreamException;
import dev.toploras.modelscope.UpstreamRejectedException;
import org.apache.camel.ValidationException;

/** Turns whatever a command ran into one clear line and an exit code; no stack traces for users. */
final class Failures {
    private Failures() {
    }

    record Verdict(int exitCode, String message) {
    }

    static Verdict judge(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UpstreamRejectedException) {
                return new Verdict(ExitCode.UPSTREAM_REJECTED, c.getMessage());
            }
            if (c instanceof UpstreamException) {
                return new Verdict(ExitCode.UPSTREAM_UNAVAILABLE, c.getMessage());
            }
            if (c instanceof ValidationException) {
                return new Verdict(ExitCode.INVALID_OUTPUT, "the new leaderboard failed its schema: " + c.getMessage());
            }
            if (c instanceof CatalogException || c instanceof IllegalArgumentException) {
                return new Verdict(ExitCode.CONFIG, c.getMessage());
            }
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new Verdict(ExitCode.INTERNAL, root.getClass().getSimpleName() + ": " + root.getMessage());
    }

    /** Start-up failures (a YAML error names file, line and column in its message chain). */
    static Verdict startup(Throwable t) {
        Verdict v = judge(t);
        if (v.exitCode() != ExitCode.INTERNAL) {
            return v;
        }
        StringBuilder sb = new StringBuilder("could not start: ");
        String last = null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && !m.equals(last) && (last == null || !last.contains(m))) {
                sb.append(last == null ? "" : " <- ").append(m.strip());
                last = m;
            }
        }
        return new Verdict(ExitCode.CONFIG, sb.toString());
    }
}
