package dev.toploras.modelscope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.catalog.WeightFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one listing record into a {@link LoraRecord}: the only place that knows ModelScope's record fields and
 * their quirks (counts as strings, {@code BaseModel} null / [""] / with "@revision", trigger words as a JSON
 * string inside MuseInfo, seconds at the top level but milliseconds inside MuseInfo). Raw blobs
 * ({@code AigcAttributes}, {@code ReadMeContent}) are never read, so they can never reach the cache.
 */
public final class LoraNormalizer {
    private final ObjectMapper json;
    private final String siteUrl;
    private final dev.toploras.catalog.BaseModelRules rules;

    public LoraNormalizer(ObjectMapper json, String baseUrl) {
        this(json, baseUrl, dev.toploras.catalog.BaseModelRules.none());
    }

    /** {@code rules} derive needs_image from the record's Tasks and BaseModel (catalog.needs-image-*). */
    public LoraNormalizer(ObjectMapper json, String baseUrl, dev.toploras.catalog.BaseModelRules rules) {
        this.json = json;
        this.siteUrl = ListingClient.stripSlash(baseUrl);
        this.rules = rules;
    }

    /** The filter step of routes/catalog.camel.yaml: a listing record (as unmarshalled) that is a LoRA. */
    public boolean lora(Object raw) {
        return raw != null && isLora(tree(raw));
    }

    /**
     * The normalise step: a listing record (as unmarshalled) becomes a record in the cache's own shape and field
     * names (a Map: {@code id}, {@code downloads}, {@code base_models}, ...), so the predicates of later steps read
     * what a user sees in the cache file. Null for a record without an id (the exclusions filter drops it).
     */
    public Map<String, Object> toCacheRecord(Object raw) {
        if (raw == null) {
            return null;
        }
        return normalize(tree(raw)).map(this::cacheShape).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> cacheShape(LoraRecord r) {
        return json.convertValue(r, LinkedHashMap.class);
    }

    private JsonNode tree(Object raw) {
        return raw instanceof JsonNode n ? n : json.valueToTree(raw);
    }

    /**
     * The tasks of images this runtime renders. A record that ModelScope does not type as a LoRA counts as one by
     * its {@code lora} tag only with one of these tasks: edit LoRAs (image-to-image) often come with an empty
     * AigcType and no MuseInfo, while video LoRAs (Wan2.2, task image-to-video or none) carry the same tag.
     */
    static final List<String> IMAGE_TASKS = List.of("text-to-image-synthesis", "image-to-image");

    /**
     * LoRA by either of the two places ModelScope records the type, or by a {@code lora} tag on a record of an
     * image task (docs/inputs.md, "Cache records").
     */
    public static boolean isLora(JsonNode r) {
        return "lora".equalsIgnoreCase(text(r, "AigcType"))
                || "lora".equalsIgnoreCase(text(r.path("MuseInfo").path("model"), "modelType"))
                || (hasLoraTag(r) && tasks(r).stream().anyMatch(IMAGE_TASKS::contains));
    }

    private static boolean hasLoraTag(JsonNode r) {
        for (JsonNode t : r.path("Tags")) {
            if (t.isTextual() && t.asText().trim().equalsIgnoreCase("lora")) {
                return true;
            }
        }
        return false;
    }

    /** The record's id ({@code Path/Name}), or empty when the record carries none. */
    public static Optional<String> idOf(JsonNode r) {
        String path = text(r, "Path");
        String name = text(r, "Name");
        if (path != null && name != null) {
            return Optional.of(path + "/" + name);
        }
        return Optional.ofNullable(text(r.path("MuseInfo").path("model"), "modelName"));
    }

    public Optional<LoraRecord> normalize(JsonNode r) {
        Optional<String> maybeId = idOf(r);
        if (maybeId.isEmpty()) {
            return Optional.empty();
        }
        String id = maybeId.get();
        JsonNode muse = r.path("MuseInfo");
        List<String> tagsCn = new ArrayList<>();
        List<String> tagsEn = new ArrayList<>();
        for (JsonNode t : r.path("OfficialTags")) {
            addClean(tagsCn, text(t, "ChineseName"));
            addClean(tagsEn, firstNonBlank(text(t, "Tag"), text(t, "Name")));
        }
        for (JsonNode t : r.path("Tags")) {
            String tag = t.isTextual() ? t.asText().trim() : null;
            if (tag == null || tag.equalsIgnoreCase("lora")) {
                continue; // every record here is a LoRA: the type is not a tag worth showing
            }
            addClean(isAscii(tag) ? tagsEn : tagsCn, tag);
        }
        List<String> baseModels = baseModels(r.path("BaseModel"));
        return Optional.of(new LoraRecord(
                id,
                text(r, "ChineseName"),
                firstNonBlank(text(r, "Name"), id),
                firstNonBlank(text(r.path("Organization"), "Name"), text(r, "NickName"), text(r, "CreatedBy"),
                        text(r, "Path")),
                text(r, "Avatar"),
                coverUrl(r),
                null,
                Numbers.count(r.get("Downloads")),
                Numbers.count(r.get("Stars")),
                text(r, "License"),
                dedupe(tagsCn),
                dedupe(tagsEn),
                baseModels,
                firstNonBlank(text(r, "VisionFoundation"), text(muse.path("model"), "stableDiffusionVersion")),
                triggerWords(r),
                updatedAt(r),
                siteUrl + "/models/" + id).withNeedsImage(rules.needsImage(tasks(r), baseModels))
                .withWeightFile(weightFile(r)));
    }

    /** The task names of a record's {@code Tasks} list ({@code [{"Name": "image-to-image"}]}; null when none). */
    private static List<String> tasks(JsonNode r) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : r.path("Tasks")) {
            String name = t.isTextual() ? t.asText() : text(t, "Name");
            if (name != null && !name.isBlank()) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * The first version's revision and weight file: modelVersion.modelUrl {@code modelscope://owner/name?revision=v1},
     * stats.fileList (the first .safetensors) and fileSizes at the same index. Null when no version names them.
     */
    private static WeightFile weightFile(JsonNode r) {
        for (JsonNode v : r.path("MuseInfo").path("versions")) {
            String url = text(v.path("modelVersion"), "modelUrl");
            String revision = null;
            int q = url == null ? -1 : url.indexOf("revision=");
            if (q >= 0) {
                String rest = url.substring(q + "revision=".length());
                int amp = rest.indexOf('&');
                revision = amp >= 0 ? rest.substring(0, amp) : rest;
            }
            JsonNode files = v.path("stats").path("fileList");
            JsonNode sizes = v.path("stats").path("fileSizes");
            for (int i = 0; i < files.size(); i++) {
                String f = files.get(i).asText("");
                if (f.toLowerCase(java.util.Locale.ROOT).endsWith(".safetensors")) {
                    JsonNode size = sizes.path(i);
                    return new WeightFile(revision, f, size.canConvertToLong() ? size.asLong() : null);
                }
            }
            if (revision != null) {
                return new WeightFile(revision, null, null);
            }
        }
        return null;
    }

    /** The first cover of the first version that has one; the top-level CoverImages only as a fallback. */
    private static String coverUrl(JsonNode r) {
        List<JsonNode> lists = new ArrayList<>();
        r.path("MuseInfo").path("versions").forEach(v -> lists.add(v.path("coverImages")));
        lists.add(r.path("CoverImages"));
        for (JsonNode images : lists) {
            for (JsonNode img : images) {
                String url = img.isTextual() ? img.asText() : text(img, "url");
                if (url != null) {
                    return url;
                }
            }
        }
        return null;
    }

    private static List<String> baseModels(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            addBase(out, node.asText());
        }
        for (JsonNode b : node) {
            if (b.isTextual()) {
                addBase(out, b.asText());
            }
        }
        return dedupe(out);
    }

    /** "MusePublic/Qwen-image@v1" names the base model at a revision; the model is what matters for fit. */
    private static void addBase(List<String> out, String raw) {
        String s = raw.trim();
        int at = s.indexOf('@');
        addClean(out, at >= 0 ? s.substring(0, at) : s);
    }

    private List<String> triggerWords(JsonNode r) {
        List<String> out = new ArrayList<>();
        for (JsonNode w : r.path("TriggerWords")) {
            if (w.isTextual()) {
                addClean(out, w.asText());
            }
        }
        for (JsonNode version : r.path("MuseInfo").path("versions")) {
            String embedded = text(version.path("modelVersion"), "triggerWords");
            if (embedded == null) {
                continue;
            }
            try {
                JsonNode parsed = json.readTree(embedded);
                for (JsonNode w : parsed) {
                    if (w.isTextual()) {
                        addClean(out, w.asText());
                    }
                }
            } catch (java.io.IOException e) {
                addClean(out, embedded); // a plain word rather than a JSON list
            }
        }
        return dedupe(out);
    }

    private static Instant updatedAt(JsonNode r) {
        JsonNode top = r.get("LastUpdatedTime");
        long t = top == null ? 0 : Numbers.count(top);
        if (t <= 0) {
            t = Numbers.count(r.path("MuseInfo").path("model").get("gmtModified"));
        }
        if (t <= 0) {
            t = Numbers.count(r.get("CreatedTime"));
        }
        if (t <= 0) {
            return null;
        }
        // Seconds at the top level, milliseconds inside MuseInfo: anything past year 33658 in seconds is millis.
        return t > 1_000_000_000_000L ? Instant.ofEpochMilli(t) : Instant.ofEpochSecond(t);
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText().trim();
        return s.isEmpty() ? null : s;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static void addClean(List<String> out, String s) {
        if (s != null && !s.isBlank()) {
            out.add(s.trim());
        }
    }

    private static List<String> dedupe(List<String> in) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String s : in) {
            seen.putIfAbsent(s.toLowerCase(Locale.ROOT), s);
        }
        return List.copyOf(seen.values());
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 128);
    }
}
