package dev.toploras.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.core.Home;
import dev.toploras.support.RouteTestSupport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * The bundled schedules.camel.yaml: the Quartz and start-up timer consumers are replaced by direct: endpoints the
 * test fires, and the refresh itself (direct:catalog-refresh, catalog.camel.yaml's) by a MockEndpoint, so what the
 * schedule asks for, and that one failed refresh neither stops the others nor escapes, is checked without waiting
 * for a cron. runtime.serve is true (the schedule runs only under serve); two tasks are configured.
 */
class SchedulesRouteTest extends RouteTestSupport {
    @Override
    protected List<String> flows() {
        return List.of("errors.camel.yaml", "schedules.camel.yaml");
    }

    @Override
    protected List<CamelConfiguration> configurations(Home home) {
        return List.of(new CatalogBeans(Optional::empty));
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("runtime.serve", "true", "catalog.tasks", "task-a,task-b");
    }

    @Override
    protected void advise() throws Exception {
        replaceConsumer("schedules-catalog-refresh", "direct:cron-fired");
        replaceConsumer("schedules-catalog-refresh-on-start", "direct:serve-started");
        intercept("catalog-refresh-background", "direct:catalog-refresh", "mock:refresh");
    }

    @Test
    void should_ask_for_one_background_refresh_per_configured_task_when_the_cron_fires() throws Exception {
        MockEndpoint refresh = getMockEndpoint("mock:refresh");
        refresh.expectedMessageCount(2);

        template.sendBody("direct:cron-fired", null);

        refresh.assertIsSatisfied();
        assertThat(refresh.getExchanges()).extracting(e -> e.getMessage().getBody(CatalogRequest.class))
                .extracting(CatalogRequest::task, CatalogRequest::forceRefresh)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("task-a", false),
                        org.assertj.core.groups.Tuple.tuple("task-b", false));
    }

    @Test
    void should_go_on_to_the_next_task_and_not_fail_the_schedule_when_one_refresh_fails() throws Exception {
        MockEndpoint refresh = getMockEndpoint("mock:refresh");
        refresh.whenExchangeReceived(1, e -> {
            throw new IllegalStateException("listing unavailable");
        });
        refresh.expectedMessageCount(2);

        Exchange fired = template.send("direct:cron-fired", e -> { });

        refresh.assertIsSatisfied();
        assertThat(fired.getException()).isNull();
        assertThat(refresh.getExchanges().get(1).getMessage().getBody(CatalogRequest.class).task())
                .isEqualTo("task-b");
    }

    @Test
    void should_refresh_nothing_at_start_when_refresh_on_start_is_off() throws Exception {
        // The build runs every test with catalog.refresh-on-start=false (a JVM system property, see pom.xml), which
        // is what this checks: the start-up route fires, and its filter lets nothing through.
        assertThat(System.getProperty("catalog.refresh-on-start")).isEqualTo("false");
        MockEndpoint refresh = getMockEndpoint("mock:refresh");
        refresh.expectedMessageCount(0);

        template.sendBody("direct:serve-started", null);

        refresh.assertIsSatisfied();
    }
}
