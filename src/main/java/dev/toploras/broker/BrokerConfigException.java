package dev.toploras.broker;

/** A broker.* setting is missing, wrong or unsafe; the message names the key and the fix. */
public final class BrokerConfigException extends BrokerException {
    public BrokerConfigException(String message) {
        super(message);
    }
}
