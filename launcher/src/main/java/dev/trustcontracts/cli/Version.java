package dev.trustcontracts.cli;

import picocli.CommandLine;

/** The version from the jar's manifest, or "development" when run from classes. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Trustctl.class.getPackage().getImplementationVersion();
        return new String[] {"trustctl " + (v == null ? "development" : v)};
    }
}
