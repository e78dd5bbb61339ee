package dev.toploras.covers;

import java.io.PrintStream;

/** A one-line progress bar for cover downloads; silent unless a person is watching a terminal. */
public final class CoverProgress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private int total;
    private int done;

    private CoverProgress(PrintStream out) {
        this.out = out;
    }

    public static CoverProgress silent() {
        return new CoverProgress(null);
    }

    public static CoverProgress to(PrintStream out) {
        return new CoverProgress(out);
    }

    public synchronized void start(int total) {
        this.total = total;
        this.done = 0;
        draw();
    }

    /** One more cover done; true when that was the last. */
    public synchronized boolean step() {
        done++;
        draw();
        return done >= total;
    }

    public synchronized void finish() {
        if (out != null && total > 0) {
            out.print("\r" + " ".repeat(WIDTH + 30) + "\r");
            out.flush();
        }
    }

    private void draw() {
        if (out == null || total == 0) {
            return;
        }
        int filled = (int) ((long) WIDTH * done / total);
        out.print("\rcovers [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total);
        out.flush();
    }
}
