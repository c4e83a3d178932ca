package dev.trustcontracts.core.contract;

import java.util.Optional;

/** The two file forms of a contract: YAML for people, binary protobuf for machines. */
public enum ContractFormat {
    YAML, PROTOBUF;

    /**
     * The format a file name implies: .yaml/.yml or .pb, in lower case only; empty for anything else.
     * Case matters because Git paths are case-sensitive: a name the server, the API and every agent do
     * not all read the same way (x.YAML next to x.yaml) could land and then never be revoked.
     */
    public static Optional<ContractFormat> forFileName(String fileName) {
        String n = fileName;
        if (n.endsWith(".yaml") || n.endsWith(".yml")) {
            return Optional.of(YAML);
        }
        if (n.endsWith(".pb")) {
            return Optional.of(PROTOBUF);
        }
        return Optional.empty();
    }

    /** The file name without its contract extension, or the name itself when it has none. */
    public static String baseName(String fileName) {
        int slash = fileName.lastIndexOf('/');
        String n = slash >= 0 ? fileName.substring(slash + 1) : fileName;
        int dot = n.lastIndexOf('.');
        return dot > 0 && forFileName(n).isPresent() ? n.substring(0, dot) : n;
    }
}
