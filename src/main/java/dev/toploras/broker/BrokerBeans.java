package dev.toploras.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.api.SystemApi;
import dev.toploras.core.Home;
import dev.toploras.core.Settings;
import dev.toploras.inputs.InputStore;
import dev.toploras.jobs.JobStore;
import dev.toploras.modelscope.RequestTokens;
import jakarta.jms.ConnectionFactory;
import java.time.Clock;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * `serve` with a broker (broker.embedded=true or broker.url; runtime.queue=broker): the beans of
 * routes/broker.camel.yaml, the embedded broker if asked, and the broker's sections of /api/health. The runtime adds
 * this class only then, so `fetch` and a plain `serve` load no broker or Artemis class (BrokerClassLoadingTest).
 *
 * <p>The broker settings (with the password) and the connection stay in this class, not in the registry, where a
 * route could read them.
 */
public final class BrokerBeans implements CamelConfiguration {
    private final Home home;
    private final WorkerRegistry workers;
    private BrokerSettings broker;
    private EmbeddedBroker embedded;
    private ConnectionFactory cf;
    @BeanInject("settings")
    Settings settings;
    @BeanInject("json")
    ObjectMapper json;
    private final Clock clock;

    public BrokerBeans(Home home, Clock clock) {
        this.home = home;
        this.clock = clock;
        this.workers = new WorkerRegistry(clock);
    }

    @BindToRegistry(value = "jobApplier", lazy = true)
    public JobApplier jobApplier(@BeanInject("jobStore") JobStore store, @BeanInject("inputStore") InputStore inputs) {
        return new JobApplier(store, workers, json, broker().maxDeliveries()).withInputs(inputs);
    }

    /** Labels each job message with its scope and duplicate-detection id (generation.queue-broker names it). */
    @BindToRegistry(value = "jobMessageTagger", lazy = true)
    public JobMessageTagger jobMessageTagger(@BeanInject("requestTokens") RequestTokens tokens) {
        return new JobMessageTagger(tokens);
    }

    @BindToRegistry(value = "brokerHealth", lazy = true)
    public BrokerWiring.BrokerHealth brokerHealth(CamelContext ctx, @BeanInject("jobApplier") JobApplier applier) {
        return new BrokerWiring.BrokerHealth(broker(), connection(ctx), embedded, workers, applier, clock);
    }

    /** Connects at start (and starts the embedded broker), so a broker that is not there fails the start. */
    @Override
    public void configure(CamelContext ctx) throws Exception {
        connection(ctx);
        BrokerWiring.BrokerHealth health = ctx.getRegistry().lookupByNameAndType("brokerHealth",
                BrokerWiring.BrokerHealth.class);
        JobApplier applier = ctx.getRegistry().lookupByNameAndType("jobApplier", JobApplier.class);
        SystemApi system = ctx.getRegistry().lookupByNameAndType("systemApi", SystemApi.class);
        system.section("broker", health::section);
        system.gauge("top_loras_broker_queue_depth", () -> health.counts(BrokerSettings.JOBS)[0]);
        system.gauge("top_loras_broker_in_flight", () -> health.counts(BrokerSettings.JOBS)[1]);
        system.gauge("top_loras_broker_dead_letters", applier::deadLetters);
        system.gauge("top_loras_broker_workers", () -> workers.list().size());
        system.gauge("top_loras_broker_connected", () -> health.connected() ? 1 : 0);
    }

    /** broker.* read once; an embedded broker's missing credentials are made on first start. */
    private synchronized BrokerSettings broker() {
        if (broker == null) {
            BrokerSettings b = BrokerSettings.from(settings);
            broker = b.embedded() ? BrokerCredentials.ensure(b, home.root().resolve("broker")) : b;
        }
        return broker;
    }

    private synchronized ConnectionFactory connection(CamelContext ctx) {
        if (cf == null) {
            try {
                BrokerSettings b = broker();
                embedded = b.embedded() ? EmbeddedBroker.start(home.root().resolve("broker"), b) : null;
                cf = BrokerWiring.connect(ctx, b, embedded);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new BrokerUnavailableException("cannot connect to the broker: " + e.getMessage(), e);
            }
        }
        return cf;
    }
}
