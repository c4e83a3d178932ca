package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.testing.CGit;
import dev.trustcontracts.testing.TestZone;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The common first steps of every scenario, in the style of SPIRE's integration suites: start a real
 * repo-server, let the legitimate admins put a contract between alice and bob on main with C git, run
 * both zones' agents once and check that each trusts the other. A scenario then attacks, and checks the
 * two things that matter: nothing untrusted became trusted, and nothing valid was lost.
 */
abstract class ConformanceScenario {
    static Cast cast;

    @TempDir
    Path tmp;
    Stage stage;
    /** The legitimate admins' C git clone. */
    Clone admin;
    /** The contract everyone relies on; every scenario checks it survives. */
    Contract victim;
    ZoneAgent aliceAgent;
    ZoneAgent bobAgent;

    @BeforeAll
    static void assemble() throws IOException {
        assumeTrue(CGit.available() && ChainFile.opensslAvailable(), "needs C git and openssl");
        cast = Cast.assemble();
    }

    @AfterAll
    static void disperse() {
        if (cast != null) {
            cast.close();
        }
    }

    @BeforeEach
    void baseline() throws Exception {
        stage = openStage(tmp);
        admin = stage.clone("admin");
        victim = cast.aliceBob("alice-bob");
        admin.contract(victim).commit("alice and bob trust each other");
        admin.pushMain();
        aliceAgent = stage.agent(cast.alice, stage.gitUrl(), "alice-agent");
        bobAgent = stage.agent(cast.bob, stage.gitUrl(), "bob-agent");
        synced(aliceAgent);
        synced(bobAgent);
        assertVictimIntact();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (stage != null) {
            stage.close();
        }
    }

    /** The stage every scenario of the class runs on; a class overrides it to give the server options. */
    Stage openStage(Path dir) throws IOException {
        return Stage.open(dir);
    }

    static CycleResult synced(ZoneAgent a) {
        CycleResult r = a.sync();
        assertThat(r.ok()).as("%s's agent cycle: %s", a.zone.name, r).isTrue();
        return r;
    }

    /** Nothing valid lost: the victim contract is on the server's main and in both agents' chains. */
    void assertVictimIntact() throws IOException {
        assertThat(stage.api.contracts()).as("the server's valid contracts").containsEntry("alice-bob", victim.getBody().getId());
        assertVictimTrustedBy(aliceAgent, bobAgent);
    }

    static void assertVictimTrustedBy(ZoneAgent... agents) {
        for (ZoneAgent a : agents) {
            String peer = a.zone == cast.alice ? Cast.hash(cast.bob) : Cast.hash(cast.alice);
            assertThat(a.chain()).as("%s's chain.pem", a.zone.name).contains(Cast.hash(a.zone), peer);
        }
    }

    /** Nothing untrusted trusted: after a cycle, the stranger's root is in none of these agents' chain.pem. */
    static void assertNotTrusted(TestZone stranger, ZoneAgent... agents) {
        for (ZoneAgent a : agents) {
            a.sync();
            assertThat(a.chain()).as("%s's chain.pem (%s)", a.zone.name, a.out).isNotEmpty()
                    .doesNotContain(Cast.hash(stranger));
        }
    }

    /** A host that validates nothing, seeded with the server's main, and an agent of alice reading it, synced. */
    HostileHost hostile;
    ZoneAgent viaHost;

    void hostileHostWithAliceAgent() throws Exception {
        hostile = stage.hostile();
        viaHost = stage.agent(cast.alice, hostile.url(), "alice-via-host");
        synced(viaHost);
        assertVictimTrustedBy(viaHost);
    }

    /** A push the server refused, naming what it refused. */
    static void assertRefused(CGit.Run push, String... mentions) {
        assertThat(push.exit()).as("the push should be refused: %s", push.out()).isNotZero();
        assertThat(push.out()).as("the refusal should name what it refused").contains(mentions);
    }

    String serverMain() throws IOException {
        return admin.ok("ls-remote", stage.pushUrl(), "refs/heads/main").split("\\s+")[0];
    }
}
