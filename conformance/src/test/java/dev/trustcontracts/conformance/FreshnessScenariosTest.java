package dev.trustcontracts.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.agent.CycleResult;
import dev.trustcontracts.agent.FreshnessOptions;
import dev.trustcontracts.agent.status.HeartbeatStatus;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.heartbeat.Heartbeat;
import dev.trustcontracts.core.heartbeat.HeartbeatKey;
import dev.trustcontracts.reposerver.RepoServer;
import dev.trustcontracts.reposerver.RepoServerConfig;
import dev.trustcontracts.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Freeze attacks against the signed heartbeat (docs/SECURITY.md, "Freeze attacks and the heartbeat"): the
 * stage's repo-server signs {@code refs/trust/heartbeat} with a key whose certificate the agents pin
 * ({@code --heartbeat-cert}); a hostile host keeps serving an old state with the last heartbeat it copied, or
 * a heartbeat it forged. The server's clock and the agents' clocks move by hand: nothing waits for time.
 */
class FreshnessScenariosTest extends ConformanceScenario {
    private static final Duration MAX_STALENESS = Duration.ofMinutes(10);

    /** The primary's clock: a heartbeat is dated by it, and it moves only when a scenario says so. */
    private final MutableClock serverClock = new MutableClock();
    private Path heartbeatDir;

    @Override
    Stage openStage(Path dir) throws IOException {
        heartbeatDir = dir.resolve("heartbeat");
        HeartbeatKey.generate(KeyType.EC_P256, "heartbeat", Instant.now().minus(Duration.ofHours(1)),
                Duration.ofDays(30)).writeTo(heartbeatDir);
        // every 12 h: within a scenario the server signs only when main moves or the scenario asks it to
        return Stage.open(dir, b -> b.clock(serverClock).heartbeat(new RepoServerConfig.HeartbeatOptions(
                heartbeatDir.resolve(HeartbeatKey.KEY_FILE), heartbeatDir.resolve(HeartbeatKey.CERT_FILE),
                Duration.ofHours(12))));
    }

    private FreshnessOptions pinned(boolean distrustPeersWhenStale) {
        return new FreshnessOptions(heartbeatDir.resolve(HeartbeatKey.CERT_FILE), MAX_STALENESS,
                distrustPeersWhenStale);
    }

    /** Bounded wait until the server's heartbeat names its current main (it signs right after main moves). */
    private Heartbeat serverHeartbeatOnMain() throws Exception {
        String main = serverMain();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Heartbeat last = stage.server.heartbeat().last();
            if (last != null && last.mainCommit().equals(main)) {
                return last;
            }
            assertThat(System.nanoTime()).as("the server signs a heartbeat for main %s within 60 s", main)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static List<String> problems(ZoneAgent a, MutableClock clock) {
        return a.agent.status().problems(clock.instant(), Duration.ofDays(1), Duration.ZERO);
    }

    @Test
    @DisplayName("Freeze detected: a host serving the state before a revocation with its last heartbeat; "
            + "stale past --max-staleness, peers withheld until an honest remote is read")
    void freezeDetectedByTheHeartbeat() throws Exception {
        // alice-carol reaches main, and the host copies main and the heartbeat that vouches for it
        admin.contract(cast.aliceCarol("alice-carol")).commit("alice trusts carol");
        admin.pushMain();
        serverHeartbeatOnMain();
        HostileHost host = stage.hostile();
        host.copy(stage.gitUrl());
        MutableClock clock = new MutableClock();
        ZoneAgent guarded = stage.agent(cast.alice, List.of(host.url()), "alice-guarded", clock, pinned(true));
        ZoneAgent reporting = stage.agent(cast.alice, List.of(host.url()), "alice-reporting", clock, pinned(false));
        for (ZoneAgent a : List.of(guarded, reporting)) {
            synced(a);
            assertThat(a.chain()).contains(Cast.hash(cast.carol));
            assertVictimTrustedBy(a);
            assertThat(a.agent.status().heartbeat().stale(clock.instant())).isFalse();
        }

        // the admins revoke alice-carol; the host freezes: it keeps main and the old heartbeat
        admin.remove("contracts/alice-carol.yaml").commit("revoke alice-carol");
        String revoked = admin.pushMain();
        serverHeartbeatOnMain();
        synced(aliceAgent);
        assertThat(aliceAgent.chain()).doesNotContain(Cast.hash(cast.carol));

        // within the bound nothing shows; past it both are stale, and the guarded one drops its peers
        clock.advance(MAX_STALENESS.minusMinutes(1));
        synced(guarded);
        assertThat(guarded.chain()).contains(Cast.hash(cast.carol));
        clock.advance(Duration.ofMinutes(2));
        for (ZoneAgent a : List.of(guarded, reporting)) {
            synced(a);
            assertThat(a.agent.status().heartbeat().stale(clock.instant())).isTrue();
            assertThat(problems(a, clock)).anySatisfy(p -> assertThat(p)
                    .startsWith("heartbeat: the freshest counted heartbeat").contains("more than --max-staleness 600 s"));
        }
        assertThat(guarded.chain()).as("peers withheld while stale (chain.pem read by OpenSSL)")
                .containsExactly(Cast.hash(cast.alice));
        assertThat(guarded.agent.status().heartbeat().peersWithheld()).isTrue();
        // without the opt-in the freeze is reported, not stopped: the revoked peer stays until its not_after
        assertThat(reporting.chain()).contains(Cast.hash(cast.carol), Cast.hash(cast.bob));

        // the host turns honest (or a remote that is gets read): the revocation and a fresh heartbeat arrive
        serverClock.advance(MAX_STALENESS.plusMinutes(1));
        stage.server.heartbeat().publishQuietly();
        assertThat(stage.server.heartbeat().last().mainCommit()).isEqualTo(revoked);
        host.copy(stage.gitUrl());
        CycleResult honest = synced(guarded);
        assertThat(honest.commit()).isEqualTo(revoked);
        assertThat(guarded.agent.status().heartbeat().stale(clock.instant())).isFalse();
        assertThat(guarded.chain()).doesNotContain(Cast.hash(cast.carol));
        assertVictimTrustedBy(guarded);
        assertVictimIntact();
    }

    @Test
    @DisplayName("Forged heartbeat: a pusher cannot write refs/trust/heartbeat; one signed by another key "
            + "on a hostile host does not count")
    void forgedHeartbeatRefusedAndNotCounted() throws Exception {
        Heartbeat genuine = serverHeartbeatOnMain();
        String main = serverMain();
        // a heartbeat for the current main, dated in the future of every clock here, signed by the attacker's key
        HeartbeatKey other = HeartbeatKey.generate(KeyType.EC_P256, "heartbeat",
                Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(30));
        byte[] forged = other.signer().sign(new Heartbeat(main, Instant.now().plus(Duration.ofMinutes(30)),
                genuine.sequence() + 1));
        String forgedCommit;
        try (Forge forge = admin.forge()) {
            ObjectId tree = forge.tree(List.of(new Forge.Entry(Heartbeat.FILE, FileMode.REGULAR_FILE,
                    forge.blob(forged))));
            forgedCommit = forge.commit(tree, "heartbeat\n").name();
        }
        String ref = Heartbeat.REF;
        String before = admin.ok("ls-remote", stage.pushUrl(), ref).split("\\s+")[0];
        assertThat(before).as("the server publishes %s", ref).isNotEmpty();

        // the pusher (a server admin) forces it over the server's (C git would not send a non-forced one: the
        // forgery does not descend from the published heartbeat), then deletes it: refused, naming the ref
        assertRefused(admin.pushUnchecked("+" + forgedCommit + ":" + ref), "\"" + ref + "\"",
                "published by the server only");
        assertRefused(admin.push(":" + ref), "published by the server only");
        assertThat(admin.ok("ls-remote", stage.pushUrl(), ref).split("\\s+")[0]).isEqualTo(before);

        // a host that validates nothing serves it: it does not count, and with the opt-in no peer is trusted on it
        HostileHost host = stage.hostile();
        host.copy(stage.gitUrl());
        admin.pushTo(host.pushPath(), forgedCommit + ":" + ref);
        MutableClock clock = new MutableClock();
        ZoneAgent viaForger = stage.agent(cast.alice, List.of(host.url()), "alice-via-forger", clock, pinned(true));
        synced(viaForger);
        HeartbeatStatus judged = viaForger.agent.status().heartbeat();
        assertThat(judged.freshest()).as("a heartbeat signed by another key is not counted").isNull();
        assertThat(judged.notCountedBy()).containsExactly(Map.entry("bad_signature", 1));
        assertThat(problems(viaForger, clock)).anySatisfy(p -> assertThat(p).startsWith("heartbeat: none counted")
                .contains("does not verify with the pinned heartbeat key"));
        assertThat(viaForger.chain()).containsExactly(Cast.hash(cast.alice));

        // the genuine heartbeat back on the host: counted, the peers return
        host.copy(stage.gitUrl());
        synced(viaForger);
        assertThat(viaForger.agent.status().heartbeat().freshest()).isEqualTo(genuine);
        assertVictimTrustedBy(viaForger);
        assertVictimIntact();
    }

    @Test
    @DisplayName("Freeze through a mirror: a mirror whose primary is gone serves its last main and heartbeat "
            + "verbatim; an agent reading only it is fresh, then stale past --max-staleness")
    void aMirrorCopiesTheHeartbeatVerbatimAndItAges() throws Exception {
        Heartbeat genuine = serverHeartbeatOnMain();
        RepoServer mirror = stage.mirror("mirror");
        // the mirror copies refs/trust/heartbeat byte for byte: the same commit id as the primary's
        String published = admin.ok("ls-remote", stage.gitUrl(), Heartbeat.REF).split("\\s+")[0];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!admin.ok("ls-remote", mirror.gitUrl(), Heartbeat.REF).startsWith(published)) {
            assertThat(System.nanoTime()).as("the mirror copies %s within 60 s", Heartbeat.REF).isLessThan(deadline);
            Thread.sleep(50);
        }
        MutableClock clock = new MutableClock();
        ZoneAgent viaMirror = stage.agent(cast.alice, List.of(mirror.gitUrl()), "alice-via-mirror", clock,
                pinned(true));
        synced(viaMirror);
        assertThat(viaMirror.agent.status().heartbeat().freshest()).isEqualTo(genuine);
        assertVictimTrustedBy(viaMirror);

        // the primary goes away; the mirror keeps serving, and nothing vouches for its state any more
        stage.stopServer();
        clock.advance(MAX_STALENESS.plusMinutes(1));
        synced(viaMirror);
        assertThat(viaMirror.agent.status().heartbeat().stale(clock.instant())).isTrue();
        assertThat(problems(viaMirror, clock)).anySatisfy(p -> assertThat(p)
                .startsWith("heartbeat: the freshest counted heartbeat").contains("peers are withheld"));
        assertThat(viaMirror.chain()).as("the opt-in's price: an outage of the primary withholds the peers")
                .containsExactly(Cast.hash(cast.alice));
    }
}
