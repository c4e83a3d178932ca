package dev.trustcontracts.cli;

import dev.trustcontracts.core.crypto.KeyType;
import picocli.CommandLine;

/** {@code --key-type ec-p256|ec-p384|rsa|ed25519}. */
public final class KeyTypeConverter implements CommandLine.ITypeConverter<KeyType> {
    @Override
    public KeyType convert(String value) {
        try {
            return KeyType.fromId(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
