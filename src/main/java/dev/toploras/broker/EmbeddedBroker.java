package dev.toploras.broker;

import java.nio.file.Path;
import java.util.Set;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManagerImpl;

/**
 * An ActiveMQ Artemis broker inside `serve` ({@code broker.embedded=true}) for people who run none: persistent
 * journal under {@code <home>/broker/}, one TCP acceptor on {@code broker.host:broker.port}, and the delivery rules
 * the job queue relies on (redelivery delay, dead-letter queue after {@code retries.max} deliveries, duplicate
 * detection keyed by job id, which Artemis keeps by default). Security is always on, loopback included: every
 * connection must give the user and password (made by BrokerCredentials when none are configured); an anonymous or
 * wrong one is refused by Artemis before any queue is seen.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final String ROLE = "toploras";
    private final EmbeddedActiveMQ server;

    private EmbeddedBroker(EmbeddedActiveMQ server) {
        this.server = server;
    }

    public static EmbeddedBroker start(Path dir, BrokerSettings settings) {
        if (!settings.secured()) {
            throw new BrokerConfigException("the embedded broker needs broker.user and broker.password");
        }
        Configuration config = new ConfigurationImpl()
                .setName("top-loras")
                .setPersistenceEnabled(true)
                // NIO, not libaio: no native library to find, the same on every machine.
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setJMXManagementEnabled(false)
                // A job send is not fsync'd: this broker lives and dies with the coordinator, whose job store is
                // the truth and whose restart re-offers every queued job (duplicates dropped by job id).
                .setJournalSyncNonTransactional(false)
                // Artemis stops accepting messages above 90% disk use by default; jobs are small, the home decides.
                .setMaxDiskUsage(100)
                .setSecurityEnabled(true);
        try {
            config.addAcceptorConfiguration("tcp", "tcp://" + settings.host() + ":" + settings.port());
        } catch (Exception e) {
            throw new BrokerConfigException("broker.host=" + settings.host() + " / broker.port=" + settings.port()
                    + " do not make a listening address: " + e.getMessage());
        }
        config.addAddressSetting("#", new AddressSettings()
                .setMaxDeliveryAttempts(settings.maxDeliveries())
                .setRedeliveryDelay(settings.redeliveryDelay().toMillis())
                .setDeadLetterAddress(SimpleString.of(BrokerSettings.DEAD_LETTERS))
                // Heartbeats live 60 s; an expired one is dropped (nothing is bound to this address).
                .setExpiryAddress(SimpleString.of("toploras.expired")));
        config.addQueueConfiguration(QueueConfiguration.of(BrokerSettings.DEAD_LETTERS)
                .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
        ActiveMQSecurityManagerImpl security = new ActiveMQSecurityManagerImpl();
        security.getConfiguration().addUser(settings.user(), settings.password());
        security.getConfiguration().addRole(settings.user(), ROLE);
        // No default user: a connection without credentials is not mapped to anyone and is refused.
        security.getConfiguration().setDefaultUser(null);
        // send, consume, create/delete durable and temporary queues (request-reply), browse, addresses; no manage.
        config.putSecurityRoles("#", Set.of(new Role(ROLE, true, true, true, true, true, true, false, true, true,
                true)));
        server.setSecurityManager(security);
        try {
            server.start();
        } catch (Exception e) {
            throw new BrokerUnavailableException("the embedded broker could not start on " + settings.host() + ":"
                    + settings.port() + " (" + e.getMessage() + "); is the port taken? set broker.port", e);
        }
        return new EmbeddedBroker(server);
    }

    /** Messages waiting on a queue, and those handed to a consumer but not yet acknowledged; -1 when unknown. */
    public long[] counts(String queue) {
        Queue q = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return q == null ? new long[] {0, 0} : new long[] {q.getMessageCount() - q.getDeliveringCount(),
            q.getDeliveringCount()};
    }

    /** Messages of a queue acknowledged since the broker started: each one a job delivered and finished. */
    public long acknowledged(String queue) {
        Queue q = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return q == null ? 0 : q.getMessagesAcknowledged();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // the journal is consistent after every write; a failed stop loses nothing
        }
    }
}
