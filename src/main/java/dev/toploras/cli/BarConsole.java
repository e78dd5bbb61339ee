package dev.toploras.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Keeps a progress bar (drawn on stdout with '\r') and log lines (stderr) on one terminal apart: a finished log line
 * first wipes the bar, is written above it, and the bar is drawn again below. Without this a warning lands in the
 * middle of the bar's line. Installed as System.out/System.err only while a command shows a bar (slf4j-simple
 * looks System.err up at each write).
 */
final class BarConsole {
    private final PrintStream out;
    private final PrintStream err;
    private final Object lock = new Object();
    /** The bytes of the bar as it stands on the current stdout line. */
    private final ByteArrayOutputStream bar = new ByteArrayOutputStream();
    /** A log line not yet ended by '\n'. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    BarConsole(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static <T> T around(Supplier<T> body) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        BarConsole console = new BarConsole(out, err);
        System.setOut(console.barStream());
        System.setErr(console.logStream());
        try {
            return body.get();
        } finally {
            System.setOut(out);
            System.setErr(err);
            console.flushPending();
        }
    }

    PrintStream barStream() {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (lock) {
                    out.write(b);
                    if (b == '\r' || b == '\n') {
                        bar.reset();
                    } else {
                        bar.write(b);
                    }
                }
            }

            @Override
            public void flush() {
                out.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    PrintStream logStream() {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (lock) {
                    pending.write(b);
                    if (b == '\n') {
                        writeAboveBar();
                    }
                }
            }

            @Override
            public void flush() {
                err.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    private void writeAboveBar() {
        byte[] drawn = bar.toByteArray();
        if (drawn.length > 0) {
            out.print("\r" + " ".repeat(drawn.length) + "\r");
            out.flush();
        }
        err.write(pending.toByteArray(), 0, pending.size());
        err.flush();
        pending.reset();
        if (drawn.length > 0) {
            out.print("\r");
            out.write(drawn, 0, drawn.length);
            out.flush();
        }
    }

    private void flushPending() {
        synchronized (lock) {
            if (pending.size() > 0) {
                pending.write('\n');
                writeAboveBar();
            }
        }
    }
}
