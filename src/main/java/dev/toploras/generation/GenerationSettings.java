package dev.toploras.generation;

import java.time.Duration;
import java.util.Set;

/** The generation.* and inbox.* configuration, read once at start. */
public record GenerationSettings(Set<String> tasks, Duration pollTimeout, long maxImageBytes, String node) {
}
