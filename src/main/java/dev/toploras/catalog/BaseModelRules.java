package dev.toploras.catalog;

import dev.toploras.core.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a LoRA's base models and tasks say about using it, by rules kept in configuration: whether it needs an input
 * image (catalog.needs-image-tasks, catalog.needs-image-base-models), and which family a base model belongs to
 * (models.families), so a job's model_id can be told apart from a LoRA trained for another model. Names are matched
 * as case-insensitive substrings because ModelScope spells one model many ways (Qwen/Qwen-Image,
 * MusePublic/Qwen-image@v1); families are tried in table order, so the narrower name (Qwen-Image-Edit-2509) goes
 * before the wider one (Qwen-Image).
 */
public final class BaseModelRules {
    private final Set<String> imageTasks;
    private final List<String> imageBaseModels;
    private final Map<String, List<String>> families;

    public BaseModelRules(List<String> imageTasks, List<String> imageBaseModels, Map<String, List<String>> families) {
        this.imageTasks = imageTasks.stream().map(BaseModelRules::lower).collect(Collectors.toUnmodifiableSet());
        this.imageBaseModels = imageBaseModels.stream().map(BaseModelRules::lower).toList();
        this.families = new LinkedHashMap<>();
        families.forEach((f, names) -> this.families.put(f, names.stream().map(BaseModelRules::lower).toList()));
    }

    /** A rule set that asks for no image and knows no family (tests and tools that do not care). */
    public static BaseModelRules none() {
        return new BaseModelRules(List.of(), List.of(), Map.of());
    }

    /**
     * Parses models.families: {@code family:name|name;family:name}, e.g.
     * {@code qwen-image-edit:Qwen-Image-Edit;qwen-image:Qwen-Image|Qwen-image;flux:FLUX.1}.
     */
    public static Map<String, List<String>> parseFamilies(String table) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (table == null || table.isBlank()) {
            return out;
        }
        for (String entry : table.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("models.families entry '" + entry.trim() + "' is not "
                        + "family:name|name, e.g. qwen-image:Qwen-Image|Qwen-image");
            }
            List<String> names = new ArrayList<>();
            for (String n : entry.substring(colon + 1).split("\\|")) {
                if (!n.isBlank()) {
                    names.add(n.trim());
                }
            }
            out.put(entry.substring(0, colon).trim(), names);
        }
        return out;
    }

    /** True when a LoRA of these tasks and base models is meant to edit an input image. */
    public boolean needsImage(List<String> tasks, List<String> baseModels) {
        return tasks.stream().map(BaseModelRules::lower).anyMatch(imageTasks::contains) || modelNeedsImage(baseModels);
    }

    /** True when one of these base models (or a job's model_id) edits an input image. */
    public boolean modelNeedsImage(List<String> models) {
        return models.stream().filter(m -> m != null).map(BaseModelRules::lower)
                .anyMatch(m -> imageBaseModels.stream().anyMatch(m::contains));
    }

    /** The family of a model id, or empty when the table names none for it. */
    public Optional<String> family(String model) {
        if (model == null) {
            return Optional.empty();
        }
        String m = lower(model);
        return families.entrySet().stream().filter(e -> e.getValue().stream().anyMatch(m::contains))
                .map(Map.Entry::getKey).findFirst();
    }

    /**
     * Why {@code modelId} does not fit a LoRA of these base models, or empty when it fits or cannot be judged (a name
     * the family table does not know fits everything: only a known mismatch is refused).
     */
    public Optional<String> mismatch(String modelId, String loraId, List<String> baseModels) {
        Optional<String> job = family(modelId);
        if (job.isEmpty() || baseModels.isEmpty()) {
            return Optional.empty();
        }
        List<String> loraFamilies = baseModels.stream().map(this::family).flatMap(Optional::stream).toList();
        if (loraFamilies.isEmpty() || loraFamilies.contains(job.get())) {
            return Optional.empty();
        }
        return Optional.of("model_id " + modelId + " (" + job.get() + ") does not fit LoRA " + loraId
                + ", made for " + String.join(", ", baseModels) + " (" + String.join(", ", loraFamilies)
                + "); use that base model, or send \"allow_base_mismatch\": true to run it anyway");
    }

    private static String lower(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }

    /** catalog.needs-image-* and models.families: which LoRAs need an input image, which base models go together. */
    public static BaseModelRules from(Settings s) {
        return new BaseModelRules(s.list("catalog.needs-image-tasks"), s.list("catalog.needs-image-base-models"),
                parseFamilies(s.text("models.families")));
    }
}
