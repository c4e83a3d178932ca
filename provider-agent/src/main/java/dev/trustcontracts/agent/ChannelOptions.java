package dev.trustcontracts.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the agent secures its links, from the command line: the PKI's pinned root (or the explicit
 * plaintext opt-out), TLS for the --notify stream, the CA bundle for https:// remotes, and the
 * credentials for private remotes (a password or token file for HTTPS, a deploy key and a pinned
 * known_hosts for SSH).
 *
 * @param pkiCaFile          the zone root PEM to pin ({@code --pki-ca}), or null
 * @param pkiFingerprint     the zone root's SHA-256 to pin ({@code --pki-fingerprint}), or null; two separated by a
 *                           comma (the option given twice: the current and the next root of a rotation)
 * @param pkiPlaintext       talk to a plaintext PKI ({@code --pki-plaintext}); without a pin the first
 *                           root it answers is trusted (trust on first use)
 * @param notifyCaFile       CA bundle for the --notify TLS stream; null for the JVM's default trust store
 * @param notifyPlaintext    --notify without TLS ({@code --notify-plaintext})
 * @param remoteCaFile       CA bundle for https:// remotes ({@code --remote-ca}); null for the JVM's default
 * @param remoteUsername     user name for an HTTPS remote, or null
 * @param remotePasswordFile file holding the password for an HTTPS remote, or null
 * @param remoteTokenFile    file holding an access token for an HTTPS remote, or null
 * @param sshKeyFile         private key (deploy key) for ssh:// remotes, or null
 * @param sshKnownHosts      known_hosts holding the SSH server's key, or null
 */
public record ChannelOptions(Path pkiCaFile, String pkiFingerprint, boolean pkiPlaintext, Path notifyCaFile,
        boolean notifyPlaintext, Path remoteCaFile, String remoteUsername, Path remotePasswordFile,
        Path remoteTokenFile, Path sshKeyFile, Path sshKnownHosts) {

    /** The user name sent with --remote-token-file when --remote-username is not given (GitHub's convention). */
    public static final String TOKEN_USERNAME = "x-access-token";

    public ChannelOptions {
        if (pkiCaFile != null && pkiFingerprint != null) {
            throw new IllegalArgumentException("give --pki-ca or --pki-fingerprint, not both");
        }
        if (pkiCaFile == null && pkiFingerprint == null && !pkiPlaintext) {
            throw new IllegalArgumentException("no pin for the zone's root: give --pki-ca FILE (the zone's ca.pem) or "
                    + "--pki-fingerprint SHA256 (printed by 'trustctl pki serve'), so that the agent checks it talks to "
                    + "its own PKI; --pki-plaintext talks to a plaintext PKI and, without a pin, trusts whatever root "
                    + "it answers first (insecure)");
        }
        if (notifyCaFile != null && notifyPlaintext) {
            throw new IllegalArgumentException("--notify-ca is for a TLS --notify; it makes no sense with "
                    + "--notify-plaintext");
        }
        if (remotePasswordFile != null && remoteTokenFile != null) {
            throw new IllegalArgumentException("give --remote-password-file or --remote-token-file, not both");
        }
        if (remotePasswordFile != null && remoteUsername == null) {
            throw new IllegalArgumentException("--remote-password-file needs --remote-username");
        }
        if (remoteUsername != null && remotePasswordFile == null && remoteTokenFile == null) {
            throw new IllegalArgumentException("--remote-username needs --remote-password-file or --remote-token-file");
        }
        if ((sshKeyFile == null) != (sshKnownHosts == null)) {
            throw new IllegalArgumentException("an ssh:// remote needs both --ssh-key (the deploy key) and "
                    + "--ssh-known-hosts (the server's pinned host key): the agent never trusts an unknown host key");
        }
    }

    /** The first pin, or null (only with --pki-plaintext); every pin is checked. */
    public PkiPin pkiPin() {
        List<PkiPin> pins = pkiPins();
        return pins.isEmpty() ? null : pins.get(0);
    }

    /**
     * Every pin: the --pki-ca root, or one or two --pki-fingerprint values (an operator who pins by hand gives the
     * current and the next root during a rotation); none only with --pki-plaintext.
     */
    public List<PkiPin> pkiPins() {
        if (pkiCaFile != null) {
            return List.of(PkiPin.ofCaFile(pkiCaFile));
        }
        if (pkiFingerprint == null) {
            return List.of();
        }
        String[] parts = pkiFingerprint.split(",", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("--pki-fingerprint is given at most twice (the current and the next "
                    + "root of a rotation); got " + parts.length);
        }
        List<PkiPin> pins = new ArrayList<>();
        for (String part : parts) {
            pins.add(PkiPin.ofFingerprint(part));
        }
        return List.copyOf(pins);
    }

    public boolean hasHttpCredentials() {
        return remotePasswordFile != null || remoteTokenFile != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Pinned by the zone root's certificate, nothing else set. */
    public static ChannelOptions pinned(Path pkiCaFile) {
        return builder().pkiCa(pkiCaFile).build();
    }

    /** Fluent construction; every option starts unset. */
    public static final class Builder {
        private Path pkiCaFile;
        private String pkiFingerprint;
        private boolean pkiPlaintext;
        private Path notifyCaFile;
        private boolean notifyPlaintext;
        private Path remoteCaFile;
        private String remoteUsername;
        private Path remotePasswordFile;
        private Path remoteTokenFile;
        private Path sshKeyFile;
        private Path sshKnownHosts;

        private Builder() {
        }

        public Builder pkiCa(Path v) {
            pkiCaFile = v;
            return this;
        }

        public Builder pkiFingerprint(String v) {
            pkiFingerprint = v;
            return this;
        }

        public Builder pkiPlaintext(boolean v) {
            pkiPlaintext = v;
            return this;
        }

        public Builder notifyCa(Path v) {
            notifyCaFile = v;
            return this;
        }

        public Builder notifyPlaintext(boolean v) {
            notifyPlaintext = v;
            return this;
        }

        public Builder remoteCa(Path v) {
            remoteCaFile = v;
            return this;
        }

        public Builder remoteUsername(String v) {
            remoteUsername = v;
            return this;
        }

        public Builder remotePasswordFile(Path v) {
            remotePasswordFile = v;
            return this;
        }

        public Builder remoteTokenFile(Path v) {
            remoteTokenFile = v;
            return this;
        }

        public Builder sshKey(Path v) {
            sshKeyFile = v;
            return this;
        }

        public Builder sshKnownHosts(Path v) {
            sshKnownHosts = v;
            return this;
        }

        public ChannelOptions build() {
            return new ChannelOptions(pkiCaFile, pkiFingerprint, pkiPlaintext, notifyCaFile, notifyPlaintext,
                    remoteCaFile, remoteUsername, remotePasswordFile, remoteTokenFile, sshKeyFile, sshKnownHosts);
        }
    }
}
