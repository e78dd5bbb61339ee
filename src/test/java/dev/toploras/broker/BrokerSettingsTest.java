package dev.toploras.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toploras.core.Settings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The broker.* checks that run before anything starts: each refusal names the key and the fix. */
class BrokerSettingsTest {
    private static Settings settings(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(Map.of("broker.embedded", "false", "broker.host", "127.0.0.1",
                "broker.port", "61616", "broker.url", "", "broker.user", "", "broker.password", "",
                "broker.redelivery-delay", "1s", "broker.reply-timeout", "30s", "broker.heartbeat", "5s",
                "retries.max", "3"));
        all.put("generation.local-workers", "2");
        all.put("generation.concurrent-consumers", "2");
        all.putAll(overrides);
        return new Settings(all::get);
    }

    @Test
    void should_refuse_a_worker_without_broker_url_naming_the_key_when_none_is_set() {
        assertThatThrownBy(() -> BrokerSettings.from(settings(Map.of("broker.user", "loras",
                "broker.password", "pw"))).forWorker())
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("broker.url");
    }

    @Test
    void should_refuse_a_worker_without_credentials_when_broker_url_is_set() {
        assertThatThrownBy(() -> BrokerSettings.from(settings(Map.of("broker.url", "tcp://b:61616"))).forWorker())
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("broker.user")
                .hasMessageContaining("BROKER_PASSWORD");
    }

    @Test
    void should_accept_an_embedded_broker_on_a_public_address_when_user_and_password_are_set() {
        BrokerSettings b = BrokerSettings.from(settings(Map.of("broker.embedded", "true", "broker.host", "0.0.0.0",
                "broker.user", "loras", "broker.password", "s3cret-pw")));
        assertThat(b.secured()).isTrue();
        assertThat(b.clientUrl()).isEqualTo("tcp://127.0.0.1:61616");
        assertThat(b.toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void should_refuse_both_an_embedded_and_an_external_broker_when_both_are_set() {
        assertThatThrownBy(() -> BrokerSettings.from(settings(Map.of("broker.embedded", "true",
                "broker.url", "tcp://elsewhere:61616"))))
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("not both");
    }

    @Test
    void should_refuse_a_user_without_a_password_when_credentials_are_half_set() {
        assertThatThrownBy(() -> BrokerSettings.from(settings(Map.of("broker.url", "tcp://b:61616",
                "broker.user", "loras"))))
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("broker.password");
    }

    @Test
    void should_see_no_broker_when_neither_embedded_nor_url_is_set() {
        assertThat(BrokerSettings.configured(settings(Map.of()))).isFalse();
        assertThat(BrokerSettings.configured(settings(Map.of("broker.url", "tcp://b:61616")))).isTrue();
    }
}
