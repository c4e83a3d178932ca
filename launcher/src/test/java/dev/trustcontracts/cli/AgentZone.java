package dev.trustcontracts.cli;

import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.pki.CaInit;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.pki.IssuancePolicy;
import dev.trustcontracts.pki.IssuedLog;
import dev.trustcontracts.pki.PkiServer;
import dev.trustcontracts.pki.ZoneCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.RefSpec;

/**
 * What {@code trustctl agent} needs in a launcher test: zone alice's CA ({@code DIR/ca}) and its PKI on a real port
 * of 127.0.0.1, and a bare repository ({@code DIR/remote.git}) whose main holds an empty {@code contracts/}.
 *
 * @param remote the repository's file:// URL
 */
record AgentZone(ZoneCa ca, PkiServer pki, String remote) implements AutoCloseable {
    static AgentZone create(Path dir) throws Exception {
        CaLayout layout = new CaLayout(dir.resolve("ca"));
        ZoneCa ca = CaInit.create(layout, "alice", KeyType.EC_P256, CaInit.DEFAULT_VALIDITY, Clock.systemUTC());
        PkiServer pki = new PkiServer(ca, IssuancePolicy.forZone("alice"), IssuedLog.open(layout.issuedLog()), null,
                Clock.systemUTC());
        pki.start("127.0.0.1", 0);
        Path bare = dir.resolve("remote.git");
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
        try (Git work = Git.init().setDirectory(dir.resolve("work").toFile()).setInitialBranch("main").call()) {
            Files.createDirectories(dir.resolve("work/contracts"));
            Files.writeString(dir.resolve("work/contracts/.gitkeep"), "");
            work.add().addFilepattern(".").call();
            work.commit().setMessage("first").setAuthor("a", "a@example.org").setCommitter("a", "a@example.org")
                    .setSign(false).call();
            work.push().setRemote(bare.toUri().toString()).setRefSpecs(new RefSpec("main:main")).call();
        }
        return new AgentZone(ca, pki, bare.toUri().toString());
    }

    @Override
    public void close() {
        pki.close();
    }
}
