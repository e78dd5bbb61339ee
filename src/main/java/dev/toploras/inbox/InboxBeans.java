package dev.toploras.inbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Settings;
import dev.toploras.generation.JobIntake;
import java.nio.file.Path;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

/**
 * `serve` and `worker`: the beans routes/inbox.camel.yaml calls by name ({@code inboxGate}, {@code jobIntake}).
 * Lazy, like the other capabilities' beans, so the order of configuration classes does not matter.
 */
public final class InboxBeans implements CamelConfiguration {
    @BeanInject("settings")
    Settings settings;
    @BeanInject("json")
    ObjectMapper json;

    @BindToRegistry(value = "inboxGate", lazy = true)
    public InboxGate inboxGate() {
        return new InboxGate(inbox(), json, settings.inboxIncompleteWait());
    }

    /** Named jobIntake as before the inbox had a package of its own: users' copies of inbox.camel.yaml call it so. */
    @BindToRegistry(value = "jobIntake", lazy = true)
    public InboxIntake jobIntake(@BeanInject("requestIntake") JobIntake requestIntake) {
        return new InboxIntake(requestIntake, inbox());
    }

    private Path inbox() {
        return Path.of(settings.text("inbox.dir"));
    }
}
