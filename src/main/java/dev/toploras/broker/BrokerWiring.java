package dev.toploras.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.api.SystemApi;
import dev.toploras.inputs.InputStore;
import dev.toploras.jobs.JobStore;
import dev.toploras.modelscope.RequestTokens;
import dev.toploras.runtime.Home;
import dev.toploras.runtime.RouteFiles;
import dev.toploras.runtime.Settings;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Puts the generation queue on the broker. Only called when broker.* is configured, and the only class the runtime
 * names that touches Artemis, so `fetch` and a plain `serve` load none of it (BrokerClassLoadingTest).
 *
 * <p>A job message is taken with client acknowledgement: it is acknowledged when its route completes (the result
 * is stored by then) and handed out again when the route fails or the consumer dies. Not a JMS transaction: a
 * transacted send of a job id the broker has already seen fails the whole send, where a plain one is dropped
 * quietly, which is what a restart re-offering its queued jobs needs. Listeners and senders use separate
 * connection factories: Spring binds a listener's session to its factory, and a send on that same factory would
 * ride on the listener's session.
 */
public final class BrokerWiring {
    static final String JOBS_URI = "jms:queue:" + BrokerSettings.JOBS
            + "?acknowledgementModeName=CLIENT_ACKNOWLEDGE&cacheLevelName=CACHE_CONSUMER"
            + "&messageCreatedStrategy=#jobMessageTagger";

    private BrokerWiring() {
    }

    /** `serve` with a broker: the job queue, the applier routes, health sections; the embedded broker if asked. */
    public static void coordinator(CamelContext ctx, Home home) throws Exception {
        Settings settings = ctx.getRegistry().lookupByNameAndType("settings", Settings.class);
        JobStore store = ctx.getRegistry().lookupByNameAndType("jobStore", JobStore.class);
        RequestTokens tokens = ctx.getRegistry().lookupByNameAndType("requestTokens", RequestTokens.class);
        ObjectMapper json = ctx.getRegistry().lookupByNameAndType("json", ObjectMapper.class);
        Clock clock = ctx.getRegistry().lookupByNameAndType("clock", Clock.class);
        SystemApi system = ctx.getRegistry().lookupByNameAndType("systemApi", SystemApi.class);
        BiConsumer<String, Supplier<Object>> section = system::section;
        BiConsumer<String, Supplier<Number>> gauge = system::gauge;
        BrokerSettings b = BrokerSettings.from(settings);
        if (b.embedded()) {
            b = BrokerCredentials.ensure(b, home.root().resolve("broker"));
        }
        EmbeddedBroker embedded = b.embedded() ? EmbeddedBroker.start(home.root().resolve("broker"), b) : null;
        ConnectionFactory cf = connect(ctx, b, embedded);
        WorkerRegistry workers = new WorkerRegistry(clock);
        JobApplier applier = new JobApplier(store, workers, json, b.maxDeliveries())
                .withInputs(ctx.getRegistry().lookupByNameAndType("inputStore", InputStore.class));
        ctx.getRegistry().bind("jobApplier", applier);
        ctx.getRegistry().bind("jobMessageTagger", new JobMessageTagger(tokens));
        // Jobs whose token came with the request stay here; with generation.local-workers=0 that is all that does.
        String own = b.localWorkers() > 0 ? "&concurrentConsumers=" + b.localWorkers()
                : "&concurrentConsumers=1&selector=" + JobMessageTagger.SCOPE + "='" + JobMessageTagger.COORDINATOR + "'";
        ctx.getPropertiesComponent().addOverrideProperty("generation.queue", JOBS_URI + own);
        load(ctx, RouteFiles.location(home, "broker.camel.yaml"));

        BrokerHealth health = new BrokerHealth(b, cf, embedded, workers, applier, clock);
        ctx.getRegistry().bind("brokerHealth", health);
        section.accept("broker", health::section);
        gauge.accept("top_loras_broker_queue_depth", () -> health.counts(BrokerSettings.JOBS)[0]);
        gauge.accept("top_loras_broker_in_flight", () -> health.counts(BrokerSettings.JOBS)[1]);
        gauge.accept("top_loras_broker_dead_letters", applier::deadLetters);
        gauge.accept("top_loras_broker_workers", () -> workers.list().size());
        gauge.accept("top_loras_broker_connected", () -> health.connected() ? 1 : 0);
    }

    /** `worker`: no home of the coordinator's; jobs run on a scratch store and go back over the broker. */
    public static WorkerSteps worker(CamelContext ctx, Home home, Settings settings, JobStore scratch, String name,
                                     ObjectMapper json) throws Exception {
        BrokerSettings b = BrokerSettings.from(settings).forWorker();
        connect(ctx, b, null);
        WorkerSteps steps = new WorkerSteps(name, scratch, json)
                .withInputs(ctx.getRegistry().lookupByNameAndType("inputStore", InputStore.class));
        ctx.getRegistry().bind("workerSteps", steps);
        ctx.getPropertiesComponent().addOverrideProperty("generation.queue", "direct:worker-generate");
        ctx.getPropertiesComponent().addOverrideProperty("worker.jobs-uri", "jms:queue:" + BrokerSettings.JOBS
                + "?acknowledgementModeName=CLIENT_ACKNOWLEDGE&cacheLevelName=CACHE_CONSUMER"
                + "&concurrentConsumers=" + b.workerConsumers()
                + "&selector=" + JobMessageTagger.SCOPE + "='" + JobMessageTagger.ANY + "'");
        load(ctx, RouteFiles.location(home, "worker.camel.yaml"));
        ctx.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                // routes can be started only once the context is fully up
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
                ProducerTemplate template = context.createProducerTemplate();
                steps.forwardTo((jobId, body) -> template.sendBodyAndHeader("direct:worker-update", body,
                        "JMSXGroupID", jobId));
                // generation-run starts only with `serve`; a worker runs it behind its own queue consumer.
                context.getRouteController().startRoute("generation-run");
                context.getRouteController().startRoute("worker-take");
            }
        });
        return steps;
    }

    private static ConnectionFactory connect(CamelContext ctx, BrokerSettings b, EmbeddedBroker embedded)
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

    private static void load(CamelContext ctx, String location) throws Exception {
        PluginHelper.getRoutesLoader(ctx).loadRoutes(PluginHelper.getResourceLoader(ctx).resolveResource(location));
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
