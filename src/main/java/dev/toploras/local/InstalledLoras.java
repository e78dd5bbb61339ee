package dev.toploras.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.jobs.LoraKey;
import dev.toploras.local.loras.LoraFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRAs already installed on the local backend, which a job names as {@code "local:<name>"} in its loras (local
 * backends only): ComfyUI's GET /models/loras file names (server.py get_models, folder_paths.get_filename_list) or
 * A1111's GET /sdapi/v1/loras network names (extensions-builtin/Lora lora_script.py create_lora_json: {name, alias,
 * path, metadata}). The name is user text: checked when the request is read ({@link LoraKey}), it goes into a JSON
 * graph or a {@code <lora:...>} tag, never into a URI, and must be one the backend lists.
 */
public final class InstalledLoras {
    public static final String PREFIX = LoraKey.INSTALLED;
    /** Metadata keys kept from A1111's list (kohya's training metadata; the rest can be megabytes of tag counts). */
    private static final List<String> METADATA = List.of("ss_output_name", "ss_sd_model_name", "ss_base_model_version",
            "ss_network_module", "ss_network_dim",
            "modelspec.title", "modelspec.architecture");

    private InstalledLoras() {
    }

    public static boolean isInstalled(String loraKey) {
        return LoraKey.isInstalled(loraKey);
    }

    /** The job Map with only its ModelScope LoRAs, for the download step. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> remoteOnly(Map<String, Object> job) {
        Map<String, Object> out = new LinkedHashMap<>(job);
        Map<String, Object> loras = new LinkedHashMap<>((Map<String, Object>) job.getOrDefault("loras", Map.of()));
        loras.keySet().removeIf(InstalledLoras::isInstalled);
        out.put("loras", loras);
        return out;
    }

    /**
     * The job's LoRA files in the job's order: downloaded ones as they are, installed ones by name. ComfyUI's
     * LoraLoader takes the file name; A1111's tag takes the network name, which {@link LoraFile#stem()} gives back
     * from "name.safetensors".
     */
    @SuppressWarnings("unchecked")
    public static List<LoraFile> withInstalled(Map<String, Object> job, List<LoraFile> downloaded, String backend) {
        List<LoraFile> out = new ArrayList<>();
        for (String key : ((Map<String, Object>) job.getOrDefault("loras", Map.of())).keySet()) {
            if (isInstalled(key)) {
                String n = LoraKey.installedName(key);
                out.add(new LoraFile(key, "a1111".equals(backend) ? n + ".safetensors" : n, null, 0, null, false));
            } else {
                downloaded.stream().filter(f -> f.modelId().equals(key)).findFirst().ifPresent(out::add);
            }
        }
        return out;
    }

    /** ComfyUI's GET /models/loras (a list of file names) as the API lists it. */
    public static List<Map<String, Object>> fromComfy(JsonNode files) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode f : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.asText());
            m.put("job_key", PREFIX + f.asText());
            out.add(m);
        }
        return out;
    }

    /** A1111's GET /sdapi/v1/loras as the API lists it: name, alias and a few metadata keys, no server path. */
    public static List<Map<String, Object>> fromA1111(JsonNode networks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode n : networks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.path("name").asText());
            m.put("alias", n.path("alias").asText(null));
            m.put("job_key", PREFIX + n.path("name").asText());
            Map<String, Object> meta = new LinkedHashMap<>();
            for (String k : METADATA) {
                if (n.path("metadata").hasNonNull(k)) {
                    meta.put(k, n.path("metadata").path(k).asText());
                }
            }
            m.put("metadata", meta);
            out.add(m);
        }
        return out;
    }
}
