package dev.toploras.runtime;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * `serve`: puts the generation queue on a broker when broker.embedded or broker.url is set. Runs after the API
 * beans (the broker adds sections to /api/health). The only place outside dev.toploras.broker that names it, in a
 * branch a plain `serve` never takes, so without a broker no broker or Artemis class is loaded
 * (BrokerClassLoadingTest).
 */
final class BrokerSwitch implements CamelConfiguration {
    private final Home home;

    BrokerSwitch(Home home) {
        this.home = home;
    }

    @Override
    public void configure(CamelContext ctx) throws Exception {
        Settings settings = ctx.getRegistry().lookupByNameAndType("settings", Settings.class);
        if (settings.bool("broker.embedded") || !settings.text("broker.url").isEmpty()) {
            dev.toploras.broker.BrokerWiring.coordinator(ctx, home);
        }
    }
}
