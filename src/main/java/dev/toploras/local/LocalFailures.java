package dev.toploras.local;

import dev.toploras.errors.ErrorCode;
import dev.toploras.generation.LocalBackendException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ways a local render fails, each with a message that says what to do. They are all
 * {@link LocalBackendException}s, so the generation worker stores them as the job's error unchanged.
 */
public final class LocalFailures {
    private LocalFailures() {
    }

    static Map<String, Object> details(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put(String.valueOf(kv[i]), kv[i + 1]);
            }
        }
        return m;
    }

    /**
     * Turns a failed call to a local backend into its job error. A reply cut off at its size bound keeps its own
     * error (ReplyBounds); any other failure means the server did not answer.
     */
    public static BackendUnavailable unreachable(String backend, String url, Exception e) {
        dev.toploras.modelscope.ReplyBounds.rethrowCutOff(e);
        return new BackendUnavailable(backend, url, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /**
     * The failure mapping of a local call whose caller reads the failure itself (local-http-call's
     * {@code failures: localCallAsIs}): a health probe reports the cause as it is, the API's live lists answer it.
     */
    public static final class AsIs {
        public void unreachable(Exception e, String server) throws Exception {
            throw e;
        }
    }

    /** The local image server did not answer (connection refused, timeout, 5xx). */
    public static final class BackendUnavailable extends LocalBackendException {
        public BackendUnavailable(String backend, String url, String why) {
            super(ErrorCode.UPSTREAM_UNAVAILABLE, backend + " at " + url + " does not answer (" + why + "); start it, or"
                    + " point local." + backend + ".url at it", details("backend", backend, "url", url));
        }
    }

    /** The backend refused the work, with its own words. */
    public static final class BackendRejected extends LocalBackendException {
        public BackendRejected(String backend, String message, Map<String, Object> details) {
            super(ErrorCode.UPSTREAM_REJECTED, backend + " rejected the job: " + message, details);
        }
    }

    /** A sampler or scheduler name the backend does not list. */
    public static final class UnknownName extends LocalBackendException {
        public UnknownName(String backend, String kind, String name, java.util.List<String> valid) {
            super(ErrorCode.INVALID_REQUEST, backend + " has no " + kind + " '" + name + "'; set params." + kind
                    + " to one of " + valid, details("backend", backend, kind, name, "valid", valid));
        }
    }

    /** The checkpoint mapped for the job is not one the backend has: rendering would use another model. */
    public static final class CheckpointMissing extends LocalBackendException {
        public CheckpointMissing(String backend, String checkpoint, java.util.List<String> available) {
            super(ErrorCode.INVALID_REQUEST, backend + " has no checkpoint '" + checkpoint + "' (it has " + available
                    + "); put the file in its checkpoints folder, or map the base model to one of these in"
                    + " local.checkpoints", details("backend", backend, "checkpoint", checkpoint,
                    "available", available));
        }
    }

    /** No checkpoint is configured for the job's base model. */
    public static final class CheckpointNotMapped extends LocalBackendException {
        public CheckpointNotMapped(String baseModel) {
            super(ErrorCode.INVALID_REQUEST, "no local checkpoint is mapped for base model '" + baseModel
                    + "': add '" + baseModel + "=<checkpoint file name>' to local.checkpoints (env LOCAL_CHECKPOINTS),"
                    + " or set local.checkpoint-default", details("base_model", baseModel, "key", "local.checkpoints"));
        }
    }

    /** ModelScope has no usable LoRA weight file for a model. */
    public static final class LoraFileMissing extends LocalBackendException {
        public LoraFileMissing(String modelId, String why) {
            super(ErrorCode.NOT_FOUND, "no LoRA weight file for " + modelId + " on ModelScope: " + why
                    + "; check the model id, or place the file in local.loras-dir yourself", details("model_id", modelId));
        }
    }

    /** The listing names the weight file with a sha256 that is no sha256: nothing is named or fetched after it. */
    public static final class LoraHashInvalid extends LocalBackendException {
        public LoraHashInvalid(String modelId, String file, String listed) {
            super(ErrorCode.UPSTREAM_REJECTED, "ModelScope lists the sha256 of " + file + " (" + modelId + ") as '"
                    + (listed.length() > 80 ? listed.substring(0, 80) + "..." : listed) + "', which is not 64 hex"
                    + " characters; the file was not fetched or used, try again later or report the model",
                    details("model_id", modelId, "file", file));
        }
    }

    /** The downloaded bytes are not the file ModelScope listed. */
    public static final class LoraChecksumMismatch extends LocalBackendException {
        public LoraChecksumMismatch(String modelId, String file, String expected, String actual) {
            super(ErrorCode.UPSTREAM_REJECTED, "the download of " + file + " (" + modelId + ") does not match the"
                    + " sha256 ModelScope lists (" + expected + ", got " + actual + "); it was discarded, run the job"
                    + " again", details("model_id", modelId, "file", file, "expected_sha256", expected,
                    "actual_sha256", actual));
        }
    }

    /** The file would not fit: over local.max-lora-bytes, or the disk is full. */
    public static final class LoraTooLarge extends LocalBackendException {
        public LoraTooLarge(String modelId, String file, long size, long max) {
            super(ErrorCode.PAYLOAD_TOO_LARGE, file + " (" + modelId + ") is " + size + " bytes, over"
                    + " local.max-lora-bytes=" + max + "; raise local.max-lora-bytes to allow it",
                    details("model_id", modelId, "file", file, "size", size, "max", max));
        }
    }

    public static final class DiskFull extends LocalBackendException {
        public DiskFull(String dir, long needed, long free) {
            super(ErrorCode.INTERNAL_ERROR, "not enough disk space in " + dir + " for a LoRA file (" + needed
                    + " bytes needed, " + free + " free); free some space or set local.loras-dir elsewhere",
                    details("dir", dir, "needed", needed, "free", free));
        }
    }

    /** A user workflow file that cannot be used as it is. */
    public static final class WorkflowInvalid extends LocalBackendException {
        public WorkflowInvalid(String file, String why) {
            super(ErrorCode.INVALID_REQUEST, "the ComfyUI workflow " + file + " cannot be used: " + why
                    + "; export it with 'Save (API Format)' and mark its inputs with $prompt, $seed, $width, $height"
                    + " and a LoraLoader whose lora_name is $lora", details("file", file));
        }
    }

    /** The backend did not finish within local.timeout. */
    public static final class RenderTimeout extends LocalBackendException {
        public RenderTimeout(String backend, String timeout) {
            super(ErrorCode.TIMEOUT, backend + " did not finish within local.timeout=" + timeout
                    + "; raise local.timeout for slow GPUs", details("backend", backend));
        }
    }
}
