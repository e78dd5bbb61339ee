package dev.toploras.errors;

/**
 * What a non-2xx reply of any server the project calls means, decided once: ModelScope's listing, files and
 * API-Inference replies (modelscope/UpstreamException) and a user's own OpenAI-images server
 * (generation/OpenAiImages) all map their status here, so a 429 or a 5xx means the same wherever it comes from
 * (rate limited; unavailable, exit 3) and any other 4xx is a rejection (exit 4).
 */
public final class UpstreamStatus {
    /** What a 401 or 403 says, which depends on what the call carried. */
    public enum Refusal {
        /** The call carried the ModelScope token (or could have): a refusal means that token is wrong or missing. */
        TOKEN,
        /**
         * The call carries no credentials by design (a user's local image server gets no ModelScope token): its
         * 401/403 is that server's own refusal, a rejection like any other 4xx, and never asks for a token.
         */
        NO_TOKEN
    }

    private UpstreamStatus() {
    }

    /** The error code of a reply with this status; called only for replies that are not 2xx. */
    public static ErrorCode code(int status, Refusal refusal) {
        if (status == 401 || status == 403) {
            return refusal == Refusal.TOKEN ? ErrorCode.UNAUTHORIZED : ErrorCode.UPSTREAM_REJECTED;
        }
        if (status == 429) {
            return ErrorCode.UPSTREAM_RATE_LIMITED;
        }
        if (status >= 500) {
            return ErrorCode.UPSTREAM_UNAVAILABLE;
        }
        return ErrorCode.UPSTREAM_REJECTED;
    }
}
