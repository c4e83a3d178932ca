package dev.trustcontracts.reposerver.http;

import java.util.List;

/**
 * The command a participant runs, in a checkout of the proposal branch, to add a signature it still owes:
 * {@code trustctl contract sign FILE --key KEY --cert CERT} (docs/contracts.md). The key and certificate are
 * named after the participant, as the README names them: a contract signer issued under that root by
 * {@code trustctl pki issue}, or for a next root its own key and certificate. A launcher test parses
 * {@link #argv} with trustctl's own picocli spec and runs it, so the page cannot drift from the CLI.
 *
 * @param argv   the command's words, {@code trustctl} first
 * @param signer what the key and certificate must be
 */
record CoSignCommand(List<String> argv, String signer) {
    static CoSignCommand of(String path, String participant, boolean nextRoot) {
        String prefix = participant + (nextRoot ? "-next" : "");
        return new CoSignCommand(List.of("trustctl", "contract", "sign", path, "--key", prefix + "-admin-key.pem",
                "--cert", prefix + "-admin.pem"),
                nextRoot ? "a contract signer issued under " + participant + "'s next root (or that root's own key "
                        + "and certificate)" : "a contract signer issued under " + participant + "'s current root");
    }

    /** The command as one line (no word needs quoting: contract paths and zone names are DNS labels). */
    String line() {
        return String.join(" ", argv);
    }
}
