package dev.toploras.broker;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The broker connection both roles share (the coordinator's BrokerBeans, a worker's WorkerBeans) and the broker
 * section of /api/health. Which queue the generation flow consumes is not set here: generation.queue names it for
 * each role (runtime.queue), and the route files of the role are chosen by RouteFiles.
 *
 * <p>A job message is taken with client acknowledgement: it is acknowledged when its route completes (the result
 * is stored by then) and handed out again when the route fails or the consumer dies. Not a JMS transaction: a
 * transacted send of a job id the broker has already seen fails the whole send, where a plain one is dropped
 * quietly, which is what a restart re-offering its queued jobs needs. Listeners and senders use separate
 * connection factories: Spring binds a listener's session to its factory, and a send on that same factory would
 * ride on the listener's session.
 */
public final class BrokerWiring {
    private BrokerWiring() {
    }

    static ConnectionFactory connect(CamelContext ctx, BrokerSettings b, EmbeddedBroker embedded)
            throws Exception {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(b.clientUrl(),
                b.secured() ? b.user() : null, b.secured() ? b.password() : null);
        // No prefetch: a job waits on the broker, not in one worker's buffer, so idle workers get it.
        cf.setConsumerWindowSize(0);
        JmsComponent jms = JmsComponent.jmsComponent(cf);
        jms.getConfiguration().setListenerConnectionFactory(cf);
        jms.getConfiguration().setTemplateConnectionFactory(cached(cf));
        ctx.addComponent("jms", jms);
        // A context service: stopped after the routes, so consumers finish (or hand back) their jobs first.
        ctx.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                cf.close();
                if (embedded != null) {
                    embedded.close();
                }
            }
        }, true, true);
        return cf;
    }

    /**
     * Senders share one connection with cached sessions and producers: a new connection per send would cap enqueue
     * at a few dozen jobs a second. A failed connection is replaced on the next send.
     */
    private static CachingConnectionFactory cached(ConnectionFactory cf) {
        CachingConnectionFactory c = new CachingConnectionFactory(cf);
        c.setSessionCacheSize(20);
        c.setReconnectOnException(true);
        return c;
    }

    /** The broker section of /api/health: connection, queue counts, dead letters and the workers heard from. */
    public static final class BrokerHealth {
        private final BrokerSettings settings;
        private final ConnectionFactory cf;
        private final EmbeddedBroker embedded;
        private final WorkerRegistry workers;
        private final JobApplier applier;
        private final Clock clock;
        private volatile boolean connected;

        BrokerHealth(BrokerSettings settings, ConnectionFactory cf, EmbeddedBroker embedded, WorkerRegistry workers,
                     JobApplier applier, Clock clock) {
            this.settings = settings;
            this.cf = cf;
            this.embedded = embedded;
            this.workers = workers;
            this.applier = applier;
            this.clock = clock;
        }

        /** Called by the broker-heartbeat route: a send that went through means the broker is there. */
        public void sent(boolean ok) {
            connected = ok;
        }

        public boolean connected() {
            return connected;
        }

        public Object section() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("url", settings.clientUrl());
            s.put("embedded", settings.embedded());
            s.put("connected", connected);
            long[] jobs = counts(BrokerSettings.JOBS);
            s.put("queue", BrokerSettings.JOBS);
            s.put("queue_depth", jobs[0]);
            s.put("in_flight", jobs[1] < 0 ? null : jobs[1]);
            s.put("acknowledged", embedded == null ? null : embedded.acknowledged(BrokerSettings.JOBS));
            s.put("dead_letters", applier.deadLetters());
            s.put("local_workers", settings.localWorkers());
            s.put("workers", workers.list().stream().map(w -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", w.name());
                m.put("last_seen", w.lastSeen().toString());
                m.put("seconds_since_seen", java.time.Duration.between(w.lastSeen(), clock.instant()).toSeconds());
                m.put("jobs_done", w.jobsDone());
                m.put("busy", w.busy());
                return m;
            }).toList());
            return s;
        }

        /** {waiting, in flight}; an external broker is browsed, which cannot see in-flight messages (-1). */
        long[] counts(String queue) {
            if (embedded != null) {
                return embedded.counts(queue);
            }
            try (Connection c = cf.createConnection()) {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                c.start();
                QueueBrowser browser = session.createBrowser(session.createQueue(queue));
                return new long[] {Collections.list(browser.getEnumeration()).size(), -1};
            } catch (JMSException e) {
                return new long[] {-1, -1};
            }
        }
    }
}
