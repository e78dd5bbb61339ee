package dev.toploras.generation;

import dev.toploras.errors.ErrorCode;
import dev.toploras.jobs.JobException;
import java.time.Duration;
import java.util.Map;

/**
 * ModelScope accepted the task but did not finish it within generation.poll-timeout. Not a reason to fall back:
 * the remote task may still finish and use quota, so the job fails with a clear timeout instead.
 */
public class PollTimeoutException extends JobException {
    public PollTimeoutException(String remoteTaskId, Duration timeout) {
        super(ErrorCode.TIMEOUT, "ModelScope task " + remoteTaskId + " did not finish within " + timeout.toSeconds()
                + " s (generation.poll-timeout); raise it or try again later",
                Map.of("remote_task_id", remoteTaskId, "poll_timeout_ms", timeout.toMillis()));
    }
}
