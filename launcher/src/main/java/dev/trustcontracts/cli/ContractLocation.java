package dev.trustcontracts.cli;

import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.Names;
import dev.trustcontracts.core.tree.RepositoryLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a contract named on the command line lives: a file path as given, or a contract name looked up in a
 * repository checkout's {@code contracts/} (the given directory, else the working directory or the nearest of
 * its parents that has one).
 */
final class ContractLocation {
    private ContractLocation() {
    }

    /**
     * @param arg  a contract name ({@code alice-bob}) or a file ({@code contracts/alice-bob.yaml})
     * @param repo the repository checkout, or null to search from the working directory up
     */
    static Path resolve(String arg, Path repo) {
        boolean isFile = arg.contains("/") || arg.contains(java.io.File.separator)
                || ContractFormat.forFileName(arg).isPresent();
        if (isFile) {
            Path file = Path.of(arg);
            ContractFiles.format(file);
            if (!Files.isRegularFile(file)) {
                throw new UserError("no such file: " + file);
            }
            return file;
        }
        if (!Names.isLabel(arg)) {
            throw new UserError("'" + arg + "' is neither a contract name (a DNS label) nor a contract file "
                    + "(.yaml, .yml, .pb)", ExitCodes.USAGE);
        }
        Path root = repo != null ? repo : nearestCheckout();
        Path dir = root.resolve(RepositoryLayout.CONTRACTS_DIR).normalize();
        if (!Files.isDirectory(dir)) {
            throw new UserError(root + " has no " + RepositoryLayout.CONTRACTS_DIR + " directory: run this in a "
                    + "checkout of the contract repository, give --repo DIR, or give the contract's file", ExitCodes.USAGE);
        }
        List<Path> found = Stream.of(".yaml", ".yml", ".pb").map(ext -> dir.resolve(arg + ext))
                .filter(Files::isRegularFile).toList();
        if (found.isEmpty()) {
            throw new UserError("no contract " + arg + " in " + dir + " (looked for " + arg + ".yaml, " + arg + ".yml, "
                    + arg + ".pb)");
        }
        if (found.size() > 1) {
            throw new UserError("contract " + arg + " has " + found.size() + " files in " + dir + " (" + found
                    + "); give the file to use (and remove the other: it is a duplicate-name problem)", ExitCodes.USAGE);
        }
        Path file = found.get(0);
        Path cwd = Path.of("").toAbsolutePath();
        // relative to where the operator stands, so that the printed git and sign commands work as shown
        return repo == null && file.startsWith(cwd) ? cwd.relativize(file) : file;
    }

    /** The working directory, or the nearest parent with a contracts/ directory. */
    private static Path nearestCheckout() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(RepositoryLayout.CONTRACTS_DIR))) {
                return p;
            }
        }
        return cwd;
    }
}
