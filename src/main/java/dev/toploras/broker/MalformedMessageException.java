package dev.toploras.broker;

/**
 * A message on a coordinator queue that is not what a worker sends (not JSON, a field missing or misnamed). The
 * broker routes put it on the rejected-messages queue with this one-line reason instead of failing at ERROR.
 */
public final class MalformedMessageException extends BrokerException {
    public MalformedMessageException(String message) {
        super(message);
    }
}
