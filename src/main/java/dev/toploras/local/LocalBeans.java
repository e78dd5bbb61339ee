package dev.toploras.local;


import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.core.Home;
import dev.toploras.core.Settings;
import dev.toploras.generation.JobEvents;
import dev.toploras.local.a1111.A1111Inputs;
import dev.toploras.local.a1111.A1111Steps;
import dev.toploras.local.comfyui.ComfyInputs;
import dev.toploras.local.comfyui.ComfySteps;
import dev.toploras.local.loras.ListedWeights;
import dev.toploras.local.loras.LoraSteps;
import dev.toploras.local.loras.LoraStore;
import dev.toploras.modelscope.ReplyBounds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * `serve` and `worker`: the beans of routes/local-loras, local-comfyui and local-a1111 from the local.* settings
 * (bad values fail at start, naming the key), and {@code localHealth} for /api/health. Beans that take another
 * capability's bean are {@code lazy} (built on first lookup), so no configuration class must come first.
 */
public final class LocalBeans implements CamelConfiguration {
    @BeanInject("settings")
    Settings settings;
    @BeanInject("home")
    Home home;
    @BeanInject("json")
    ObjectMapper json;

    @BindToRegistry("localSettings")
    public LocalSettings localSettings() {
        return settings(home, settings);
    }

    @BindToRegistry("localTiming")
    public LocalTiming localTiming() {
        return new LocalTiming();
    }

    @BindToRegistry("localRenderTimeout")
    public CallTimeout localRenderTimeout() {
        return new CallTimeout(settings.duration("local.timeout"), ReplyBounds.ofReplies(settings));
    }

    /**
     * A LoRA streams to disk: its cap is local.max-lora-bytes (the store's own check, with a clearer error, comes
     * first), its stall local.lora-download-timeout and its whole-download time local.lora-download-deadline.
     */
    @BindToRegistry(value = "loraDownloadTimeout", lazy = true)
    public CallTimeout loraDownloadTimeout(@BeanInject("localSettings") LocalSettings local) {
        return new CallTimeout(settings.duration("local.lora-download-timeout"),
                new ReplyBounds(local.maxLoraBytes() + LoraStore.BUFFER + 1, "local.max-lora-bytes",
                        settings.duration("local.lora-download-deadline"), "local.lora-download-deadline"));
    }

    @BindToRegistry("localProbeTimeout")
    public CallTimeout localProbeTimeout() {
        return new CallTimeout(java.time.Duration.ofSeconds(2), ReplyBounds.ofReplies(settings));
    }

    @BindToRegistry(value = "loraSteps", lazy = true)
    public LoraSteps loraSteps(@BeanInject("localSettings") LocalSettings local,
                               @BeanInject("jobEvents") JobEvents events) {
        return new LoraSteps(new LoraStore(local.lorasDir(), local.maxLoraBytes()), json, events,
                settings.duration("local.lora-listing-ttl"), new ListedWeights(home.cache(), json),
                settings.text("local.lora-revision"));
    }

    @BindToRegistry(value = "comfySteps", lazy = true)
    public ComfySteps comfySteps(@BeanInject("localSettings") LocalSettings local) {
        return new ComfySteps(local, json, settings.text("local.comfyui.url"));
    }

    @BindToRegistry(value = "a1111Steps", lazy = true)
    public A1111Steps a1111Steps(@BeanInject("localSettings") LocalSettings local,
                                 @BeanInject("jobEvents") JobEvents events) {
        return new A1111Steps(local, json, events, settings.text("local.a1111.url"));
    }

    /** The local backends' input-image steps read the same store. */
    @BindToRegistry(value = "comfyInputs", lazy = true)
    public ComfyInputs comfyInputs(@BeanInject("inputStore") dev.toploras.inputs.InputStore inputs) {
        return new ComfyInputs(inputs, json);
    }

    @BindToRegistry(value = "a1111Inputs", lazy = true)
    public A1111Inputs a1111Inputs(@BeanInject("inputStore") dev.toploras.inputs.InputStore inputs) {
        return new A1111Inputs(inputs);
    }

    @BindToRegistry("localHealth")
    public LocalHealth localHealth(CamelContext ctx) {
        String backend = backend(ctx);
        String url = switch (backend) {
            case "comfyui" -> settings.text("local.comfyui.url");
            case "a1111" -> settings.text("local.a1111.url");
            default -> null;
        };
        return new LocalHealth(ctx, json, backend, url);
    }

    @Override
    public void configure(CamelContext ctx) {
        // Nothing to do at start: every bean above is bound by Camel.
    }

    /** The backend the routes render on: {{local:backend}} (LocalBackendChoice). */
    private static String backend(CamelContext ctx) {
        return ctx.resolvePropertyPlaceholders("{{local:backend}}");
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
