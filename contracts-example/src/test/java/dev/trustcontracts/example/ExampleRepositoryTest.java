package dev.trustcontracts.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.tree.DirectoryTree;
import dev.trustcontracts.core.tree.PeerRoot;
import dev.trustcontracts.core.tree.ScanResult;
import dev.trustcontracts.core.tree.TreeScanner;
import dev.trustcontracts.core.tree.TrustBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The shipped example repository is valid, and its contract links the two shipped demo zones. */
class ExampleRepositoryTest {
    static final Path HERE = Path.of(System.getProperty("basedir", "."));

    /**
     * Judged a day into the example's window, not at today's date: contracts expire (at most 400 days), and
     * the example should not turn this suite red on the day it ends. regenerate.sh makes a new one.
     */
    static final Instant INSIDE_THE_EXAMPLE_WINDOW = Instant.parse("2026-11-29T09:27:13Z");

    @Test
    void exampleRepositoryLintsCleanAndLinksAliceAndBob() throws Exception {
        ScanResult r = new TreeScanner().scan(new DirectoryTree(HERE.resolve("repository")), INSIDE_THE_EXAMPLE_WINDOW);
        assertThat(r.problems()).isEmpty();
        assertThat(r.valid()).extracting(VerifiedContract::name).containsExactly("alice-bob");

        String alice = Fingerprint.of(Pem.certificate(Files.readString(HERE.resolve("zones/alice/ca.pem"))));
        String bob = Fingerprint.of(Pem.certificate(Files.readString(HERE.resolve("zones/bob/ca.pem"))));
        assertThat(TrustBundle.derive(alice, r.valid()).peers()).extracting(PeerRoot::hash).containsExactly(bob);
        assertThat(TrustBundle.derive(bob, r.valid()).peers()).extracting(PeerRoot::hash).containsExactly(alice);
    }
}
