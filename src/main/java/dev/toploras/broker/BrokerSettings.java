package dev.toploras.broker;

import dev.toploras.core.Settings;
import java.time.Duration;

/**
 * The broker.* configuration, read once at start. A broker is configured when {@code broker.embedded=true} or
 * {@code broker.url} is set; otherwise the generation queue stays in memory and no broker class is loaded.
 */
public record BrokerSettings(boolean embedded, String host, int port, String url, String user, String password,
                             int maxDeliveries, Duration redeliveryDelay, Duration replyTimeout,
                             Duration heartbeat, int localWorkers, int workerConsumers) {
    /** The queue jobs wait on, its dead-letter queue, and the channels back to the coordinator. */
    public static final String JOBS = "toploras.jobs";
    public static final String DEAD_LETTERS = "toploras.jobs.dlq";

    /** The same test TopLorasRuntime spells out (to choose runtime.queue) before it names any broker class. */
    public static boolean configured(Settings s) {
        return s.bool("broker.embedded") || !s.text("broker.url").isEmpty();
    }

    public static BrokerSettings from(Settings s) {
        int port = s.integer("broker.port");
        if (port < 1 || port > 65535) {
            throw new BrokerConfigException("broker.port must be between 1 and 65535, got " + port);
        }
        int maxDeliveries = s.integer("retries.max");
        int local = s.integer("generation.local-workers");
        if (local < 0) {
            throw new BrokerConfigException("generation.local-workers must be 0 (serve runs no jobs itself) or more, got "
                    + local);
        }
        BrokerSettings b = new BrokerSettings(s.bool("broker.embedded"), s.text("broker.host"), port,
                s.text("broker.url"), s.text("broker.user"), s.text("broker.password"), Math.max(1, maxDeliveries),
                s.duration("broker.redelivery-delay"), s.duration("broker.reply-timeout"),
                s.duration("broker.heartbeat"), local, Math.max(1, s.integer("generation.concurrent-consumers")));
        b.check();
        return b;
    }

    /** Half-set or contradictory settings; an embedded broker's missing credentials are made (BrokerCredentials). */
    void check() {
        if (embedded && !url.isEmpty()) {
            throw new BrokerConfigException("set either broker.embedded=true (this process runs the broker) or "
                    + "broker.url (an external broker), not both");
        }
        if (user.isEmpty() != password.isEmpty()) {
            throw new BrokerConfigException("broker.user and broker.password go together: set both or neither");
        }
    }

    /**
     * What `worker` needs before it connects: where the broker is and who it is there. Without broker.url a worker
     * would quietly look for a broker on its own machine, which is never the coordinator's.
     */
    public BrokerSettings forWorker() {
        if (url.isEmpty()) {
            throw new BrokerConfigException("worker needs broker.url, the coordinator's broker (e.g. --set "
                    + "broker.url=tcp://coordinator-host:61616)");
        }
        if (!secured()) {
            throw new BrokerConfigException("worker needs broker.user and broker.password (BROKER_PASSWORD in the "
                    + "environment): for an embedded broker, the two values in <home>/broker/"
                    + BrokerCredentials.FILE + " on the coordinator");
        }
        return this;
    }

    public BrokerSettings withCredentials(String newUser, String newPassword) {
        return new BrokerSettings(embedded, host, port, url, newUser, newPassword, maxDeliveries, redeliveryDelay,
                replyTimeout, heartbeat, localWorkers, workerConsumers);
    }

    /** Where clients connect: the external URL, or the embedded broker's acceptor. */
    public String clientUrl() {
        if (!url.isEmpty()) {
            return url;
        }
        String h = "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host;
        return "tcp://" + h + ":" + port;
    }

    public boolean secured() {
        return !user.isEmpty();
    }

    /** The password never reaches a log line through this record. */
    @Override
    public String toString() {
        return "BrokerSettings[embedded=" + embedded + ", url=" + clientUrl() + ", user=" + user
                + ", password=" + (password.isEmpty() ? "" : "***") + ", maxDeliveries=" + maxDeliveries + "]";
    }
}
