package dev.toploras.generation;

import dev.toploras.core.Settings;
import java.time.Duration;
import java.util.Set;

/** The generation.* and inbox.* configuration, read once at start. */
public record GenerationSettings(Set<String> tasks, Duration pollTimeout, long maxImageBytes, String node) {

    /** Jobs may name the configured catalog tasks and text-to-image-synthesis, the one ModelScope generates for. */
    public static GenerationSettings from(Settings s, java.util.List<String> catalogTasks) {
        java.util.LinkedHashSet<String> tasks = new java.util.LinkedHashSet<>(catalogTasks);
        tasks.add("text-to-image-synthesis");
        tasks.add("image-to-image"); // a job with input images; the task ModelScope lists edit LoRAs under
        String node = s.text("runtime.node");
        if (node.isEmpty()) {
            try {
                node = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                node = "localhost";
            }
        }
        return new GenerationSettings(tasks, s.duration("generation.poll-timeout"),
                s.longValue("generation.max-image-bytes"), node);
    }
}
