package dev.toploras.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The CLI as its own JVM, on the test class path, for what only a whole process shows (signals, stderr, exit). */
public final class AppProcess {
    private AppProcess() {
    }

    /** {@code java ... dev.toploras.App ARGS}, with the JVM flags bin/top-loras gives its short one-shot commands. */
    public static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), "dev.toploras.App"));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
