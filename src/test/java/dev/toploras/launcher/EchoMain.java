package dev.toploras.launcher;

import java.lang.management.ManagementFactory;

/**
 * Stands in for the product in the launcher's tests: prints the JVM flags it was started with and its arguments, one
 * per line, and exits with the code given by {@code --exit N}. Packed alone into a jar by {@link LauncherTest}.
 */
public final class EchoMain {
    private EchoMain() {
    }

    public static void main(String[] args) {
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            System.out.println("jvm " + flag);
        }
        int exit = 0;
        for (int i = 0; i < args.length; i++) {
            System.out.println("arg " + args[i]);
            if (args[i].equals("--exit") && i + 1 < args.length) {
                exit = Integer.parseInt(args[i + 1]);
            }
        }
        System.exit(exit);
    }
}
