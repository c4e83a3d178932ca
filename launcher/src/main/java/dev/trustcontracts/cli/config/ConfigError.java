package dev.trustcontracts.cli.config;

/**
 * A configuration file or variable refused: the message is the one line the operator sees (what, where, why),
 * with no Java class name in it. {@link ConfigDefaults} hands it to picocli as a usage error.
 */
public final class ConfigError extends RuntimeException {
    public ConfigError(String message) {
        super(message);
    }
}
