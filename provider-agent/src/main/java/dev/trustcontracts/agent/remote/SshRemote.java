package dev.trustcontracts.agent.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.transport.SshConfigStore;
import org.eclipse.jgit.transport.SshConstants;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * SSH for ssh:// remotes through JGit's Apache MINA client: exactly one identity (the deploy key),
 * exactly one known_hosts file, strict host key checking (an unknown or changed host key is refused,
 * never added), public-key authentication only, and nothing read from the user's ~/.ssh or ssh-agent.
 */
final class SshRemote implements AutoCloseable {
    private final SshdSessionFactory factory;

    /** @param home a private directory of the agent's, used as JGit's home and .ssh directory */
    SshRemote(Path key, Path knownHosts, Path home) throws IOException {
        if (!Files.isReadable(key)) {
            throw new IOException("--ssh-key " + key + " is not a readable file");
        }
        if (!Files.isReadable(knownHosts)) {
            throw new IOException("--ssh-known-hosts " + knownHosts + " is not a readable file");
        }
        Files.createDirectories(home);
        Path k = key.toAbsolutePath();
        Path kh = knownHosts.toAbsolutePath();
        this.factory = new SshdSessionFactoryBuilder()
                .setHomeDirectory(home.toFile())
                .setSshDirectory(home.toFile())
                .setDefaultIdentities(dir -> List.of(k))
                .setDefaultKnownHostsFiles(dir -> List.of(kh))
                .setPreferredAuthentications("publickey")
                .setConfigStoreFactory((h, f, u) -> new StrictConfig(new Fixed(k)))
                .build(new JGitKeyCache());
    }

    SshdSessionFactory sessionFactory() {
        return factory;
    }

    @Override
    public void close() {
        factory.close();
    }

    /** The same settings for every host, in place of ~/.ssh/config. */
    private static final class StrictConfig implements SshConfigStore {
        private final HostConfig config;

        StrictConfig(HostConfig config) {
            this.config = config;
        }

        @Override
        public HostConfig lookup(String hostName, int port, String userName) {
            return config;
        }

        @Override
        public HostConfig lookupDefault(String hostName, int port, String userName) {
            return config;
        }
    }

    private static final class Fixed implements SshConfigStore.HostConfig {
        private final Map<String, String> options = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private final Map<String, List<String>> multi = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        /** @param key the one identity: with IdentitiesOnly, JGit offers only IdentityFile entries */
        Fixed(Path key) {
            multi.put(SshConstants.IDENTITY_FILE, List.of(key.toString()));
            options.put(SshConstants.STRICT_HOST_KEY_CHECKING, "yes");
            options.put(SshConstants.IDENTITIES_ONLY, "yes");
            options.put(SshConstants.IDENTITY_AGENT, "none");
            options.put(SshConstants.BATCH_MODE, "yes");
            options.put(SshConstants.PREFERRED_AUTHENTICATIONS, "publickey");
            options.put("UpdateHostKeys", "no"); // never write to the pinned known_hosts
        }

        @Override
        public String getValue(String key) {
            return options.get(key);
        }

        @Override
        public List<String> getValues(String key) {
            return multi.getOrDefault(key, Collections.emptyList());
        }

        @Override
        public Map<String, String> getOptions() {
            return Collections.unmodifiableMap(options);
        }

        @Override
        public Map<String, List<String>> getMultiValuedOptions() {
            return Collections.unmodifiableMap(multi);
        }
    }
}
