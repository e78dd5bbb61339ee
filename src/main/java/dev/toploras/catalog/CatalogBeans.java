package dev.toploras.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.covers.CoverChecks;
import dev.toploras.modelscope.LoraNormalizer;
import dev.toploras.runs.RunStore;
import dev.toploras.runtime.Home;
import dev.toploras.runtime.Settings;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * The beans the catalog and covers routes call, by the names the YAML uses. The page bound (catalog.max-pages) is
 * installed here, around the listing call, so no route edit can lift it.
 */
public final class CatalogBeans implements CamelConfiguration {
    /** The ModelScope token's source; never bound in the registry. */
    private final Supplier<Optional<String>> token;
    @BeanInject("settings")
    Settings settings;
    @BeanInject("home")
    Home home;

    public CatalogBeans(Supplier<Optional<String>> token) {
        this.token = token;
    }
    @BeanInject("json")
    ObjectMapper json;
    @BeanInject("clock")
    Clock clock;

    @BindToRegistry("catalogSettings")
    public CatalogSettings catalogSettings() {
        settings.quartzCron("catalog.refresh-cron");
        return settings.catalog();
    }

    @BindToRegistry("runStore")
    public RunStore runStore() {
        return new RunStore(home.cache().resolve("runs"), json, clock);
    }

    @BindToRegistry("loraNormalizer")
    public LoraNormalizer loraNormalizer() {
        return new LoraNormalizer(json, settings.text("modelscope.base-url"), settings.baseModelRules());
    }

    @BindToRegistry("leaderboard")
    public LeaderboardSteps leaderboard() {
        return new LeaderboardSteps(json);
    }

    @BindToRegistry(value = "coverChecks", lazy = true)
    public CoverChecks coverChecks(@BeanInject("catalogSettings") CatalogSettings catalog) {
        return new CoverChecks(json, catalog.coversMaxBytes(), catalog.coverHosts(), token);
    }

    /** What a split collects: its messages' bodies, in the split's order (a page's entries, the covers' results). */
    @BindToRegistry("collected")
    public org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy collected() {
        return new org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy();
    }

    @BindToRegistry(value = "refreshTrail", lazy = true)
    public RefreshTrail refreshTrail(@BeanInject("runStore") RunStore runs) {
        return new RefreshTrail(runs);
    }

    @BindToRegistry(value = "catalogSteps", lazy = true)
    public CatalogSteps catalogSteps(@BeanInject("catalogSettings") CatalogSettings catalog,
                                     @BeanInject("runStore") RunStore runs) {
        return new CatalogSteps(home, catalog, new CatalogCache(json), runs, json, clock, settings.history());
    }

    /** The covers.concurrency threads that download covers in parallel. */
    @BindToRegistry(value = "coversPool", lazy = true)
    public ExecutorService coversPool(CamelContext ctx, @BeanInject("catalogSettings") CatalogSettings catalog) {
        return ctx.getExecutorServiceManager().newFixedThreadPool(this, "covers", catalog.coversConcurrency());
    }

    @Override
    public void configure(CamelContext ctx) {
        // Checked once at start; properties append paths to it as {{url:modelscope.base-url}}/api/..., so it may end
        // in a slash or not, and nothing is written back.
        dev.toploras.modelscope.ListingClient.stripSlash(settings.text("modelscope.base-url"));
        ctx.getCamelContextExtension().addInterceptStrategy(new ListingBound(settings.integer("catalog.max-pages")));
        if (!settings.bool("runtime.serve")) {
            CatalogWarmup.start(json, ctx.getRegistry().lookupByNameAndType("loraNormalizer", LoraNormalizer.class));
        }
    }
}
