package dev.toploras.broker;

/** The broker could not be started or reached; the message says where it was looked for. */
public final class BrokerUnavailableException extends BrokerException {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
