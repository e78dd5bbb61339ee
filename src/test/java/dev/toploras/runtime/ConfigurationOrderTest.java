package dev.toploras.runtime;

import dev.toploras.core.Home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toploras.api.ApiBeans;
import dev.toploras.api.SystemApi;
import dev.toploras.catalog.CatalogBeans;
import dev.toploras.generation.GenerationBeans;
import dev.toploras.generation.JobClaims;
import dev.toploras.local.LocalBeans;
import dev.toploras.local.loras.LoraSteps;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CamelBeanPostProcessor;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capabilities' configuration classes need no order among themselves: Camel Main post-processes every class
 * (binding its {@code @BindToRegistry} beans) before it calls any {@code configure}, and a bean that takes another
 * class's bean is lazy, built with its {@code @BeanInject} parameters on first lookup. Done here as Camel Main does
 * it, with serve's classes in the reverse of the runtime's order (CoreBeans, the ground they inject, first).
 */
class ConfigurationOrderTest {
    @TempDir
    Path dir;

    @Test
    void should_build_serves_beans_whatever_order_the_capabilities_come_in() throws Exception {
        DefaultCamelContext ctx = new DefaultCamelContext(false);
        try {
            ctx.getPropertiesComponent().setLocation("classpath:application.properties");
            Properties p = new Properties();
            p.putAll(Map.of("runtime.serve", "true", "home.dir", dir.toString(), "inbox.dir",
                    dir.resolve("inbox").toString(), "camel.server.port",
                    String.valueOf(dev.toploras.support.Http.freePort())));
            ctx.getPropertiesComponent().setOverrideProperties(p);
            ctx.build();
            List<CamelConfiguration> classes = new ArrayList<>(List.of(new CoreBeans(new Home(dir), Clock.systemUTC()),
                    new ApiBeans(), new LocalBeans(), new dev.toploras.inbox.InboxBeans(),
                    new GenerationBeans(Optional::empty), new CatalogBeans(Optional::empty)));
            CamelBeanPostProcessor post = PluginHelper.getBeanPostProcessor(ctx);
            for (CamelConfiguration c : classes) {
                post.postProcessBeforeInitialization(c, c.getClass().getName());
                post.postProcessAfterInitialization(c, c.getClass().getName());
            }
            for (CamelConfiguration c : classes) {
                c.configure(ctx);
            }
            assertThat(ctx.getRegistry().lookupByNameAndType("systemApi", SystemApi.class)).isNotNull();
            assertThat(ctx.getRegistry().lookupByNameAndType("jobClaims", JobClaims.class)).isNotNull();
            assertThat(ctx.getRegistry().lookupByNameAndType("loraSteps", LoraSteps.class)).isNotNull();
            assertThat(ctx.getRegistry().lookupByNameAndType("jobIntake", dev.toploras.inbox.InboxIntake.class))
                    .isNotNull();
            assertThat(ctx.getRegistry().lookupByName("jobsApi")).isNotNull();
            assertThat(ctx.getRegistry().lookupByName("catalogSteps")).isNotNull();
        } finally {
            ctx.stop();
        }
    }
}
