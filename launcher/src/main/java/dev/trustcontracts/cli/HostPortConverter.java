package dev.trustcontracts.cli;

import dev.trustcontracts.core.net.HostPort;
import picocli.CommandLine;

/** picocli converter for {@code HOST:PORT} options: the parse error becomes picocli's one-line usage error. */
public final class HostPortConverter implements CommandLine.ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
