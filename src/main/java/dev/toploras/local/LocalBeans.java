package dev.toploras.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.generation.JobEvents;
import dev.toploras.local.a1111.A1111Steps;
import dev.toploras.local.comfyui.ComfySteps;
import dev.toploras.local.loras.ListedWeights;
import dev.toploras.local.loras.LoraStore;
import dev.toploras.local.loras.LoraSteps;
import dev.toploras.runtime.Home;
import dev.toploras.runtime.ReplyBounds;
import dev.toploras.runtime.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * `serve` only, after GenerationBeans: the beans of routes/local-loras, local-comfyui and local-a1111 from the
 * local.* settings (bad values fail at start, naming the key), and {@code localHealth} for /api/health.
 */
public final class LocalBeans implements CamelConfiguration {
    @BeanInject("settings")
    Settings settings;
    @BeanInject("home")
    Home home;
    @BeanInject("json")
    ObjectMapper json;

    @Override
    public void configure(CamelContext ctx) throws Exception {
        LocalSettings local = settings(home, settings);
        JobEvents events = ctx.getRegistry().lookupByNameAndType("jobEvents", JobEvents.class);
        LoraStore store = new LoraStore(local.lorasDir(), local.maxLoraBytes());
        ctx.getRegistry().bind("localSettings", local);
        ctx.getRegistry().bind("localTiming", new LocalTiming());
        ReplyBounds replies = ReplyBounds.ofReplies(settings);
        ctx.getRegistry().bind("localRenderTimeout", new CallTimeout(local.timeout(), replies));
        // A LoRA streams to disk: its cap is local.max-lora-bytes (the store's own check, with a clearer error,
        // comes first), its stall local.lora-download-timeout and its whole-download time local.lora-download-deadline.
        ctx.getRegistry().bind("loraDownloadTimeout", new CallTimeout(settings.duration("local.lora-download-timeout"),
                new ReplyBounds(local.maxLoraBytes() + LoraStore.BUFFER + 1, "local.max-lora-bytes",
                        settings.duration("local.lora-download-deadline"), "local.lora-download-deadline")));
        ctx.getRegistry().bind("localProbeTimeout", new CallTimeout(java.time.Duration.ofSeconds(2), replies));
        ctx.getRegistry().bind("loraSteps", new LoraSteps(store, json, events,
                settings.duration("local.lora-listing-ttl"), new ListedWeights(home.cache(), json),
                settings.text("local.lora-revision")));
        ctx.getRegistry().bind("comfySteps", new ComfySteps(local, json, settings.text("local.comfyui.url")));
        ctx.getRegistry().bind("a1111Steps", new A1111Steps(local, json, events, settings.text("local.a1111.url")));
        // local.backend was resolved (and written back when empty) by GenerationBeans, which runs first.
        String backend = ctx.resolvePropertyPlaceholders("{{local.backend}}");
        String url = switch (backend) {
            case "comfyui" -> settings.text("local.comfyui.url");
            case "a1111" -> settings.text("local.a1111.url");
            default -> null;
        };
        ctx.getRegistry().bind("localApi", new LocalApi(backend));
        LocalHealth health = new LocalHealth(ctx, json, backend, url);
        Supplier<Map<String, Object>> section = health::section;
        ctx.getRegistry().bind("localHealth", section);
    }

    static LocalSettings settings(Home home, Settings s) {
        String dir = s.text("local.loras-dir");
        Path lorasDir = home.root().resolve(dir.isEmpty() ? "loras" : dir).toAbsolutePath().normalize();
        String workflow = s.text("local.comfyui.workflow");
        Path workflowFile = workflow.isEmpty() ? null : home.root().resolve(workflow).toAbsolutePath().normalize();
        if (workflowFile != null && !Files.isRegularFile(workflowFile)) {
            throw new IllegalArgumentException("local.comfyui.workflow: " + workflowFile + " is not a file; export"
                    + " your workflow from ComfyUI with 'Save (API Format)' and point the key at it");
        }
        long max = s.longValue("local.max-lora-bytes");
        if (max <= 0) {
            throw new IllegalArgumentException("local.max-lora-bytes must be positive, got " + max);
        }
        return new LocalSettings(lorasDir, max, LocalSettings.parseCheckpoints(s.text("local.checkpoints")),
                s.text("local.checkpoint-default"), s.text("local.comfyui.sampler"), s.text("local.comfyui.scheduler"),
                s.text("local.a1111.sampler"), workflowFile, s.duration("local.timeout"));
    }
}
