package dev.toploras.generation;

import dev.toploras.errors.ErrorCode;
import dev.toploras.errors.Problem;
import dev.toploras.jobs.JobException;
import java.util.Map;

/**
 * ModelScope ran the task and reported FAILED (content moderation, bad parameters). The job fails with the remote
 * code: the local preview would hide a real refusal, so there is no fallback.
 */
public class RemoteTaskFailedException extends JobException {
    public RemoteTaskFailedException(String remoteTaskId, String remoteCode, String remoteMessage) {
        super(Problem.of(ErrorCode.UPSTREAM_REJECTED, "ModelScope task " + remoteTaskId + " failed: " + remoteMessage,
                Map.of("remote_code", remoteCode, "remote_message", remoteMessage, "remote_task_id", remoteTaskId)));
    }
}
