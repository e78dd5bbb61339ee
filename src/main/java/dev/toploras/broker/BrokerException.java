package dev.toploras.broker;

/** Anything that goes wrong with the generation queue on a broker; subclasses say what to do about it. */
public class BrokerException extends RuntimeException {
    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
