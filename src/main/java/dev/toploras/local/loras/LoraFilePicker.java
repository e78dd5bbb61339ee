package dev.toploras.local.loras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toploras.errors.Problem;
import dev.toploras.local.LocalFailures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads ModelScope's model-files listing ({@code GET /api/v1/models/{id}/repo/files}) and picks the LoRA weight:
 * the file the leaderboard's listing names (stats.fileList), when it is there; else the only .safetensors file; of several, the one named after the repository (how ModelScope's AIGC uploads name
 * their weight); else the largest, with a note saying which one was taken.
 */
public final class LoraFilePicker {
    /** The pick and, when it was a guess, the note that says so. */
    public record Pick(ModelFile file, Problem note) {
    }

    private LoraFilePicker() {
    }

    /** The files of a listing reply; blobs only (the listing also holds folders as Type "tree"). */
    public static List<ModelFile> files(String modelId, JsonNode reply) {
        // Envelope as modelscope/hub/errors.py raise_on_error reads it: Code 200 is success, else Message says why.
        JsonNode code = reply.path("Code");
        if (!code.isMissingNode() && code.asInt() != 200) {
            throw new LocalFailures.LoraFileMissing(modelId, "ModelScope answered Code " + code.asText() + ": "
                    + reply.path("Message").asText(""));
        }
        List<ModelFile> out = new ArrayList<>();
        for (JsonNode f : reply.path("Data").path("Files")) {
            if ("tree".equals(f.path("Type").asText())) {
                continue;
            }
            out.add(new ModelFile(f.path("Name").asText(), f.path("Path").asText(f.path("Name").asText()),
                    f.path("Size").asLong(-1), f.path("Sha256").asText("")));
        }
        return out;
    }

    /** The pick, once its listed sha256 is checked: a listed hash names the stored file, so it must be one. */
    public static Pick pick(String modelId, List<ModelFile> files) {
        return pick(modelId, files, null);
    }

    /** The same, taking the file the leaderboard's listing names ({@code stats.fileList}) before any guess. */
    public static Pick pick(String modelId, List<ModelFile> files, String listedPath) {
        Pick p = files.stream().filter(f -> f.path().equals(listedPath)).findFirst()
                .map(f -> new Pick(f, null)).orElseGet(() -> choose(modelId, files));
        ModelFile f = p.file();
        if (f.hasSha256() && !ModelFile.isSha256(f.sha256())) {
            throw new LocalFailures.LoraHashInvalid(modelId, f.path(), f.sha256());
        }
        return p;
    }

    private static Pick choose(String modelId, List<ModelFile> files) {
        List<ModelFile> weights = files.stream()
                .filter(f -> f.name().toLowerCase(Locale.ROOT).endsWith(".safetensors"))
                .toList();
        if (weights.isEmpty()) {
            throw new LocalFailures.LoraFileMissing(modelId, "its repository has no .safetensors file ("
                    + files.size() + " files listed)");
        }
        if (weights.size() == 1) {
            return new Pick(weights.get(0), null);
        }
        String repoName = modelId.substring(modelId.indexOf('/') + 1).toLowerCase(Locale.ROOT);
        for (ModelFile f : weights) {
            if (f.name().toLowerCase(Locale.ROOT).equals(repoName + ".safetensors")) {
                return new Pick(f, null);
            }
        }
        ModelFile largest = weights.stream().max(Comparator.comparingLong(ModelFile::size)).orElseThrow();
        return new Pick(largest, new Problem("LORA_FILE_GUESSED", modelId + " has " + weights.size()
                        + " .safetensors files and none is named after the repository; took the largest, "
                        + largest.path(),
                Map.of("model_id", modelId, "file", largest.path(),
                        "candidates", weights.stream().map(ModelFile::path).toList())));
    }
}
