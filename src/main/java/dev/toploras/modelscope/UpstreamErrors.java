package dev.toploras.modelscope;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * What a failed outbound call means, in one place: camel-http's failures (after errors.camel.yaml has redelivered
 * them) become the project's upstream exceptions, whose codes the CLI exit codes and the API's errors follow
 * (5xx, timeouts and connection errors: unavailable, exit 3; 401/403, 429, other 4xx and unreadable replies:
 * rejected, exit 4). Anything else is returned unchanged.
 */
public final class UpstreamErrors {
    private UpstreamErrors() {
    }

    public static Throwable translate(Throwable failure, String what) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof UpstreamException u) {
                return u;
            }
            if (c instanceof HttpOperationFailedException h) {
                return UpstreamException.forStatus(h.getStatusCode(), what);
            }
            if (c instanceof SocketTimeoutException || c instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
                return new UpstreamTimeoutException(what + " gave no reply in time (http.timeout): " + c.getMessage(), c);
            }
            if (c instanceof JsonProcessingException j) {
                return new UpstreamRejectedException(what + " returned an error: the reply is not valid JSON ("
                        + j.getOriginalMessage() + ")", 200);
            }
            if (isConnectionFailure(c)) {
                IOException io = (IOException) c;
                return new UpstreamUnavailableException(what + " could not be reached: " + describe(io), 0, io);
            }
        }
        return failure;
    }

    /** Only failures of the connection itself: a disk error while storing must not read as "ModelScope down". */
    private static boolean isConnectionFailure(Throwable c) {
        return c instanceof java.net.SocketException || c instanceof java.net.UnknownHostException
                || c instanceof javax.net.ssl.SSLException || c instanceof org.apache.hc.core5.http.NoHttpResponseException
                || c instanceof org.apache.hc.core5.http.ConnectionClosedException;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }
}
