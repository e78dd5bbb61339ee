package dev.toploras.generation;

import dev.toploras.catalog.BaseModelRules;
import dev.toploras.catalog.LoraLookup;
import dev.toploras.catalog.LoraRecord;
import dev.toploras.jobs.InvalidJobRequestException;
import dev.toploras.jobs.JobRequest;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a request can do what it asks before it becomes a job: an image-to-image task, an edit base model or a LoRA
 * that needs an image comes with one; the model_id is of the family its LoRAs were made for (unless the request says
 * allow_base_mismatch). The rules are configuration ({@link BaseModelRules}); what a LoRA is comes from the cache.
 */
public final class JobFit {
    private final BaseModelRules rules;
    private final LoraLookup loras;
    private final Set<String> imageTasks;

    public JobFit(BaseModelRules rules, LoraLookup loras, Set<String> imageTasks) {
        this.rules = rules;
        this.loras = loras;
        this.imageTasks = Set.copyOf(imageTasks);
    }

    public void check(JobRequest r) {
        boolean hasImage = !r.images().isEmpty();
        if (!hasImage && imageTasks.contains(r.task())) {
            throw new InvalidJobRequestException("images", "task " + r.task() + " edits an input image: send "
                    + "\"images\": [\"upload:<id>\"] (POST /api/v1/uploads), an http(s) URL, or an image file name "
                    + "beside the job in inbox/");
        }
        if (!hasImage && r.modelId() != null && rules.modelNeedsImage(java.util.List.of(r.modelId()))) {
            throw new InvalidJobRequestException("images", "model " + r.modelId() + " edits an input image: send "
                    + "\"images\": [...] with the job (an upload:<id>, an http(s) URL or an inbox file name)");
        }
        for (String id : r.loras().keySet()) {
            Optional<LoraRecord> lora = loras.find(id);
            if (lora.isEmpty()) {
                continue;
            }
            if (!hasImage && Boolean.TRUE.equals(lora.get().needsImage())) {
                throw new InvalidJobRequestException("images", "LoRA " + id + " edits an input image (made for "
                        + String.join(", ", lora.get().baseModels()) + "): send \"images\": [...] with the job "
                        + "(an upload:<id>, an http(s) URL or an inbox file name)");
            }
            if (!r.allowBaseMismatch()) {
                rules.mismatch(r.modelId(), id, lora.get().baseModels()).ifPresent(why -> {
                    throw new InvalidJobRequestException("model_id", why);
                });
            }
        }
    }
}
