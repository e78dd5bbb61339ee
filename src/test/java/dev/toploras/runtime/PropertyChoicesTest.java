package dev.toploras.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * What the bundled application.properties resolves to in each role, now that nothing is written back at start:
 * the generation queue of each runtime.queue, the default local backend, and the listing URL whatever the base URL
 * ends in.
 */
class PropertyChoicesTest {
    private static String resolve(Map<String, String> overrides, String key) {
        DefaultCamelContext ctx = new DefaultCamelContext(false);
        try {
            ctx.getPropertiesComponent().setLocation("classpath:application.properties");
            Properties p = new Properties();
            p.putAll(overrides);
            ctx.getPropertiesComponent().setOverrideProperties(p);
            ctx.build();
            return ctx.resolvePropertyPlaceholders("{{" + key + "}}");
        } finally {
            ctx.stop();
        }
    }

    @Test
    void should_name_the_in_memory_queue_for_a_plain_serve() {
        assertThat(resolve(Map.of(), "generation.queue")).startsWith("seda:generate?size=1000&concurrentConsumers=2&");
    }

    @Test
    void should_name_the_broker_queue_with_the_local_workers_as_consumers() {
        assertThat(resolve(Map.of("runtime.queue", "broker", "generation.local-workers", "3"), "generation.queue"))
                .startsWith("jms:queue:toploras.jobs?acknowledgementModeName=CLIENT_ACKNOWLEDGE")
                .contains("messageCreatedStrategy=#jobMessageTagger")
                .endsWith("&concurrentConsumers=3");
        assertThat(resolve(Map.of("runtime.queue", "broker"), "generation.queue"))
                .as("generation.local-workers defaults to generation.concurrent-consumers")
                .endsWith("&concurrentConsumers=2");
    }

    @Test
    void should_take_only_the_coordinators_own_jobs_without_local_workers() {
        assertThat(resolve(Map.of("runtime.queue", "broker", "generation.local-workers", "0"), "generation.queue"))
                .endsWith("&concurrentConsumers=1&selector=toplorasScope='coordinator'");
    }

    @Test
    void should_hand_a_workers_jobs_to_the_generation_flow_and_take_only_those_that_may_leave() {
        Map<String, String> worker = Map.of("runtime.queue", "worker", "generation.concurrent-consumers", "4");
        assertThat(resolve(worker, "generation.queue")).isEqualTo("direct:worker-generate");
        assertThat(resolve(worker, "worker.jobs-uri")).startsWith("jms:queue:toploras.jobs?")
                .contains("acknowledgementModeName=CLIENT_ACKNOWLEDGE", "&concurrentConsumers=4")
                .endsWith("&selector=toplorasScope='any'");
    }

    @Test
    void should_let_a_users_generation_queue_replace_the_roles_queue() {
        assertThat(resolve(Map.of("generation.queue", "seda:mine"), "generation.queue")).isEqualTo("seda:mine");
    }

    @Test
    void should_choose_the_local_backend_by_local_url_when_left_empty_and_keep_a_named_one() {
        assertThat(resolve(Map.of(), "local:backend")).isEqualTo("preview");
        assertThat(resolve(Map.of(), "local.endpoint")).isEqualTo("direct:local-preview");
        assertThat(resolve(Map.of("local.url", "http://127.0.0.1:9000"), "local:backend")).isEqualTo("openai");
        assertThat(resolve(Map.of("local.url", "http://127.0.0.1:9000"), "local.endpoint"))
                .isEqualTo("direct:local-openai");
        assertThat(resolve(Map.of("local.url", "http://127.0.0.1:9000", "local.backend", "comfyui"),
                "local.endpoint")).isEqualTo("direct:local-comfyui");
        assertThat(resolve(Map.of("local.url", "http://127.0.0.1:9000", "local.backend", "comfyui"),
                "local.backend")).as("the user's value itself is not rewritten").isEqualTo("comfyui");
        assertThat(resolve(Map.of("local.backend", "a1111"), "local:backend")).isEqualTo("a1111");
    }

    @Test
    void should_build_the_listing_url_whether_the_base_url_ends_in_a_slash_or_not() {
        assertThat(resolve(Map.of("modelscope.base-url", "http://127.0.0.1:8089"), "catalog.listing-url"))
                .isEqualTo("http://127.0.0.1:8089/api/v1/dolphin/models");
        assertThat(resolve(Map.of("modelscope.base-url", "http://127.0.0.1:8089//"), "catalog.listing-url"))
                .isEqualTo("http://127.0.0.1:8089/api/v1/dolphin/models");
        assertThat(resolve(Map.of("modelscope.base-url", "http://127.0.0.1:8089/"), "modelscope.base-url"))
                .as("the user's value itself is not rewritten").isEqualTo("http://127.0.0.1:8089/");
    }
}
