package dev.toploras.support;

/**
 * The build turns `serve`'s start-up refresh off for every test (pom.xml, surefire: a JVM system property, which
 * beats the runtime's override properties), so a test never sees a refresh run it did not start. A class about that
 * refresh lifts the setting for its own run and puts it back when it ends.
 */
public final class StartupRefreshSetting {
    private static final String NAME = "catalog.refresh-on-start";
    private static String suite;

    private StartupRefreshSetting() {
    }

    public static synchronized void lift() {
        suite = System.clearProperty(NAME);
    }

    public static synchronized void putBack() {
        if (suite != null) {
            System.setProperty(NAME, suite);
        }
    }
}
