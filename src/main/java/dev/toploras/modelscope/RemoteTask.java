package dev.toploras.modelscope;

import java.util.List;

/** One poll of an API-Inference task, in the project's words. */
public record RemoteTask(State state, List<String> outputImages, String errorCode, String errorMessage) {
    public enum State { PENDING, RUNNING, SUCCEEDED, FAILED }

    public RemoteTask {
        outputImages = outputImages == null ? List.of() : List.copyOf(outputImages);
    }

    public boolean finished() {
        return state == State.SUCCEEDED || state == State.FAILED;
    }
}
