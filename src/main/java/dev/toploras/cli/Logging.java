package dev.toploras.cli;

/**
 * How much a command logs. `serve` (and a long-running worker) is a service and logs at INFO; a one-shot command
 * prints its own summary, so its log shows only warnings unless --verbose. Set before the first logger exists
 * (slf4j-simple reads its level once), so no command may create a logger when it is constructed; a level given with
 * -Dorg.slf4j.simpleLogger.defaultLogLevel wins.
 */
final class Logging {
    static final String LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    private Logging() {
    }

    static String levelFor(String command, boolean verbose) {
        return verbose || "serve".equals(command) || "worker".equals(command) ? "info" : "warn";
    }

    static void configure(String command, boolean verbose) {
        if (System.getProperty(LEVEL_PROPERTY) == null) {
            System.setProperty(LEVEL_PROPERTY, levelFor(command, verbose));
        }
    }
}
