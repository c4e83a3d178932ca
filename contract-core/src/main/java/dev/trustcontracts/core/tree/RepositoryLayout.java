package dev.trustcontracts.core.tree;

import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.Names;
import java.util.Set;

/** Where contracts live in a repository: {@code contracts/<name>.yaml|.yml|.pb}, nothing else below it. */
public final class RepositoryLayout {
    public static final String CONTRACTS_DIR = "contracts/";
    /** Files allowed under contracts/ besides contracts: an admin note and the placeholder Git needs. */
    private static final Set<String> ALLOWED_EXTRAS = Set.of("README.md", ".gitkeep");

    private RepositoryLayout() {
    }

    public static boolean isUnderContracts(String path) {
        return path.startsWith(CONTRACTS_DIR);
    }

    /** Whether a path under contracts/ is a contract file by its place and name. */
    public static boolean isContractPath(String path) {
        if (!isUnderContracts(path)) {
            return false;
        }
        String rest = path.substring(CONTRACTS_DIR.length());
        return !rest.contains("/") && ContractFormat.forFileName(rest).isPresent()
                && Names.isLabel(ContractFormat.baseName(rest));
    }

    public static boolean isAllowedExtra(String path) {
        return isUnderContracts(path) && ALLOWED_EXTRAS.contains(path.substring(CONTRACTS_DIR.length()));
    }

    /** The path a contract of this name and format belongs at. */
    public static String pathFor(String name, ContractFormat format) {
        return CONTRACTS_DIR + name + (format == ContractFormat.YAML ? ".yaml" : ".pb");
    }
}
