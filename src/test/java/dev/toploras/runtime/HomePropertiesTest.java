package dev.toploras.runtime;

import dev.toploras.core.Settings;

import dev.toploras.core.Home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.cli.ExitCode;
import dev.toploras.cli.TopLorasCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code <home>/application.properties} overrides the bundled defaults, and the command line overrides it. */
class HomePropertiesTest {
    @TempDir
    Path home;

    @Test
    void should_take_a_key_from_the_home_properties_over_the_bundled_default() throws Exception {
        Files.writeString(home.resolve("application.properties"), "catalog.ttl=1h\n");

        Settings settings = TopLorasRuntime.settingsWithoutStarting(new Home(home), java.util.Map.of());

        assertThat(settings.text("catalog.ttl")).isEqualTo("1h");
        assertThat(settings.text("catalog.limit")).as("a key the file leaves out").isEqualTo("20");
    }

    @Test
    void should_take_a_set_value_over_the_home_properties() throws Exception {
        Files.writeString(home.resolve("application.properties"), "catalog.ttl=1h\n");

        Settings settings = TopLorasRuntime.settingsWithoutStarting(new Home(home), java.util.Map.of("catalog.ttl", "2m"));

        assertThat(settings.text("catalog.ttl")).isEqualTo("2m");
    }

    @Test
    void should_read_an_unset_key_as_empty_and_a_value_that_names_other_keys_as_what_they_resolve_to() {
        Settings settings = TopLorasRuntime.settingsWithoutStarting(new Home(home),
                java.util.Map.of("modelscope.base-url", "http://mirror.example/", "local.url", ""));

        assertThat(settings.text("no.such.key")).isEmpty();
        assertThat(settings.text("local.url")).as("a key set to nothing").isEmpty();
        // catalog.listing-url={{url:modelscope.base-url}}/api/v1/dolphin/models: a function and a nested key
        assertThat(settings.text("catalog.listing-url")).isEqualTo("http://mirror.example/api/v1/dolphin/models");
    }

    @Test
    void should_fail_the_started_runtime_on_a_bad_key_in_the_home_properties() throws Exception {
        // Before the user's file was put first, the bundled covers.concurrency=8 won and this fetch went out.
        Files.writeString(home.resolve("application.properties"), "covers.concurrency=0\n");

        int code = TopLorasCommand.run("--home", home.toString(), "--set", "retries.max=0", "fetch",
                "--force-refresh", "--base-url", "http://127.0.0.1:1");

        assertThat(code).isEqualTo(ExitCode.CONFIG);
    }
}
