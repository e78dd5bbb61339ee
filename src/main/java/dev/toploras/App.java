package dev.toploras;

import dev.toploras.cli.TopLorasCommand;

/** Entry point of {@code java -jar top-loras.jar}; the commands live in dev.toploras.cli. */
public final class App {
    private App() {
    }

    public static void main(String[] args) {
        System.exit(TopLorasCommand.runProcess(args));
    }
}
