package dev.trustcontracts.agent.remote;

import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.ChannelOptions;
import dev.trustcontracts.agent.output.Secrets;
import dev.trustcontracts.core.tls.PemTls;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the agent reaches its Git remote: the credentials for a private HTTPS remote (from files, never
 * logged), the CA bundle for https:// ({@code --remote-ca}), and the deploy key with its pinned
 * known_hosts for ssh://. Applied to each fetch's transport, never JVM-wide.
 */
public final class RemoteAccess implements TransportConfigCallback, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteAccess.class);

    private final CredentialsProvider credentials;
    private final CaBundleConnectionFactory https;
    private final SshRemote ssh;

    private RemoteAccess(CredentialsProvider credentials, CaBundleConnectionFactory https, SshRemote ssh) {
        this.credentials = credentials;
        this.https = https;
        this.ssh = ssh;
    }

    /** Reads the secret files and the CA bundle now, so that a bad one stops the agent at start. */
    public static RemoteAccess open(AgentConfig config) throws IOException {
        ChannelOptions ch = config.channels();
        // with several remotes each rule below is about the remotes it concerns: credentials go to http(s)://
        // ones, --remote-ca is for https:// ones, --ssh-key for ssh:// ones (one key, one known_hosts for all)
        List<String> remotes = config.remotes();
        Set<String> schemes = remotes.stream().map(RemoteAccess::scheme).collect(Collectors.toSet());
        CredentialsProvider creds = null;
        if (config.gitCredentialsFile() != null && ch.hasHttpCredentials()) {
            throw new IllegalArgumentException("give --git-credentials-file or --remote-password-file/"
                    + "--remote-token-file, not both");
        }
        if (config.gitCredentialsFile() != null) {
            creds = Secrets.gitCredentials(config.gitCredentialsFile());
        } else if (ch.remotePasswordFile() != null) {
            creds = new UsernamePasswordCredentialsProvider(ch.remoteUsername(),
                    Secrets.firstLine(ch.remotePasswordFile(), "remote password"));
        } else if (ch.remoteTokenFile() != null) {
            creds = new UsernamePasswordCredentialsProvider(
                    ch.remoteUsername() != null ? ch.remoteUsername() : ChannelOptions.TOKEN_USERNAME,
                    Secrets.firstLine(ch.remoteTokenFile(), "remote token"));
        }
        if (creds != null) {
            for (String remote : remotes) {
                if ("http".equals(scheme(remote))) {
                    LOG.warn("Git credentials are sent to {} without TLS", Remote.label(remote));
                }
            }
        }
        if (creds != null && !schemes.contains("http") && !schemes.contains("https")) {
            if (schemes.contains("ssh")) {
                throw new IllegalArgumentException("an ssh:// remote authenticates with --ssh-key, not a password or "
                        + "token");
            }
        }
        CaBundleConnectionFactory https = null;
        if (ch.remoteCaFile() != null) {
            if (!schemes.contains("https")) {
                throw new IllegalArgumentException("--remote-ca is for https:// remotes; " + Remote.label(remotes.get(0))
                        + " is not one");
            }
            try {
                https = new CaBundleConnectionFactory(PemTls.trustManager(ch.remoteCaFile()));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IOException("--remote-ca " + ch.remoteCaFile() + ": " + e.getMessage(), e);
            }
        }
        SshRemote ssh = null;
        if (ch.sshKeyFile() != null) {
            if (!schemes.contains("ssh")) {
                throw new IllegalArgumentException("--ssh-key is for ssh:// remotes; " + Remote.label(remotes.get(0))
                        + " is not one");
            }
            Secrets.warnIfReadableByOthers(ch.sshKeyFile(), "SSH key");
            ssh = new SshRemote(ch.sshKeyFile(), ch.sshKnownHosts(), config.workDir().resolve("ssh"));
        } else if (schemes.contains("ssh")) {
            throw new IllegalArgumentException("an ssh:// remote needs --ssh-key (the deploy key) and --ssh-known-hosts "
                    + "(the server's pinned host key)");
        }
        return new RemoteAccess(creds, https, ssh);
    }

    /** The URL scheme; {@code ssh} also for scp-like {@code user@host:path}; {@code file} for a path. */
    static String scheme(String remote) {
        int colon = remote.indexOf("://");
        if (colon > 0) {
            return remote.substring(0, colon).toLowerCase(Locale.ROOT);
        }
        if (remote.matches("[^/@:]+@[^/:]+:.*")) {
            return "ssh";
        }
        return "file";
    }

    public CredentialsProvider credentials() {
        return credentials;
    }

    @Override
    public void configure(Transport transport) {
        if (https != null) {
            https.configure(transport);
        }
        if (transport instanceof SshTransport s) {
            if (ssh == null) {
                // never fall back to ~/.ssh: an ssh remote is only reached with the configured key and host key
                throw new IllegalStateException("ssh transport without --ssh-key");
            }
            s.setSshSessionFactory(ssh.sessionFactory());
        }
    }

    @Override
    public void close() {
        if (ssh != null) {
            ssh.close();
        }
    }
}
