package dev.toploras.runtime;

/**
 * A configuration value the runtime cannot use: an unknown key or a value of the wrong type. The message names the
 * key, what it takes, and (for an unknown key) the nearest known one.
 */
public class SettingException extends IllegalArgumentException {
    public SettingException(String message) {
        super(message);
    }
}
