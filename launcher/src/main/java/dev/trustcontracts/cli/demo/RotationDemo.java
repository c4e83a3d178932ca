package dev.trustcontracts.cli.demo;

import static dev.trustcontracts.cli.demo.TwoZoneDemo.short12;

import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.cli.Trustctl;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.pki.CaLayout;
import dev.trustcontracts.pki.CaRotation;
import dev.trustcontracts.pki.ContractSignerIssuer;
import dev.trustcontracts.pki.Credential;
import dev.trustcontracts.pki.IssuedLog;
import dev.trustcontracts.pki.ZoneBootstrap;
import dev.trustcontracts.pki.ZoneCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine;

/**
 * {@code trustctl demo --rotate}: the two zones of the demo land contract alice-bob, then an mTLS client loop from
 * alice to bob keeps running, in real time, through a whole rotation of alice's root and a renewal of the contract:
 * {@code pki rotate start}, the successor with alice's next root ({@code contract rotate --participant}), {@code pki
 * rotate switch} (alice's agent renews from the next root at its next GetCA), the successor without the old root
 * ({@code contract rotate --drop-old}), {@code pki rotate finish}, {@code contract renew}. Every failed handshake is
 * recorded with its time; at the end alice's old root must be in no bundle: neither agent's chain.pem, ca.pem or
 * truststore.p12, nor the repo-server's answers (JSON API and gRPC mirror).
 *
 * <p>The steps are the operator's: the PKI steps are {@code pki rotate}'s own ({@link CaRotation}), the successor
 * contracts are written by trustctl's {@code contract rotate|renew} run in-process, signed in the admins' clones,
 * pushed and merged through the API. Each step waits for what can be observed, bounded, never a fixed sleep.
 */
final class RotationDemo implements AutoCloseable {
    /** How often the demo's agents ask their PKI for its roots: a real zone's default is ten minutes. */
    static final Duration PKI_CHECK_EVERY = Duration.ofSeconds(1);
    /**
     * Three connections in flight, each worker at most one every 50 ms: up to 60 handshakes a second offered, well
     * above ten, so that a loaded machine still gets there, with CPU left for the agents and servers.
     */
    private static final int WORKERS = 3;
    private static final Duration PACE = Duration.ofMillis(50);
    private static final Duration NEXT_ROOT_VALIDITY = Duration.ofDays(30);
    private static final String CONTRACT = TwoZoneDemo.CONTRACT;

    private final TwoZoneDemo demo;
    private final Narrator say;
    private final Clock clock = Clock.systemUTC();
    private HandshakeLoop loop;
    private long handshakesAtLastStep;

    /** @param pollInterval the agents' polling interval (they also follow the repo-server's watch stream) */
    RotationDemo(Path dir, Narrator say, Duration pollInterval) {
        this.say = say;
        this.demo = new TwoZoneDemo(dir, say, pollInterval, null, PKI_CHECK_EVERY);
    }

    TwoZoneDemo zones() {
        return demo;
    }

    RotationReport run() throws Exception {
        demo.start();
        DemoZone alice = demo.alice();
        DemoZone bob = demo.bob();
        String oldRoot = Fingerprint.of(alice.ca.certificate());
        String bobRoot = Fingerprint.of(bob.ca.certificate());
        say.detail("the agents ask their PKI for its roots every %d s (--pki-check-every; the default is 10 minutes)",
                PKI_CHECK_EVERY.toSeconds());

        // contract alice-bob as in the first demo: proposed, co-signed, merged
        demo.propose();
        demo.cosign();
        merged(TwoZoneDemo.BRANCH);
        demo.await("a handshake from alice's client to bob's service",
                () -> MtlsProbe.call(bob.service().port(), alice.out()).ok());
        loop = new HandshakeLoop(bob.service().port(), alice.out(), WORKERS, PACE,
                f -> say.say("%s", f));
        loop.start();
        demo.await("the client loop's first handshakes", () -> loop.succeeded() >= 10);
        step(String.format("contract alice-bob in force; alice's client loop -> bob's service runs (%d workers, each "
                + "at most one new TLS 1.3 connection per %d ms)", WORKERS, PACE.toMillis()),
                "pki rotate start: alice's next root");

        // 1. the next root, beside the current one
        CaLayout ca = alice.caLayout();
        CaRotation.Outcome started = CaRotation.start(ca, null, NEXT_ROOT_VALIDITY, clock);
        ZoneCa next = started.roots().next();
        String newRoot = next.fingerprint();
        say.say("pki rotate start --dir %s: alice's next root sha256:%s is created beside the current one "
                + "sha256:%s, which still issues", ca.dir(), short12(newRoot), short12(oldRoot));
        say.detail("pki rotate says next: %s", started.state().nextStep(ca, "alice"));
        demo.await("alice's agent to learn its next root (ca.pem)",
                () -> roots(alice.out(), OutputLayout.CA).equals(List.of(oldRoot, newRoot)));
        step("alice's agent learned the next root from GetCA: its ca.pem and chain.pem hold both of alice's roots",
                "the successor contract with alice's next root");

        // 2. the successor carrying both of alice's roots, signed by each of them and by bob
        Credential nextAdmin = ContractSignerIssuer.issue(next, IssuedLog.open(ca.issuedLog()),
                ZoneBootstrap.adminName("alice"), KeyType.EC_P256, Duration.ofDays(7), clock);
        say.detail("alice's admin gets a contract-signing certificate issued under the next root, to sign for it");
        successor("rotate-alice-start", List.of(alice.admin, nextAdmin), "rotate", "--participant",
                "alice=" + ca.nextCertificate());
        demo.await("bob's chain.pem to hold both of alice's roots",
                () -> roots(bob.out(), OutputLayout.CHAIN).containsAll(List.of(oldRoot, newRoot, bobRoot)));
        step("successor merged (its predecessor removed in the same merge); both agents applied it: bob's chain.pem "
                + "trusts both of alice's roots", "pki rotate switch");

        // 3. the next root issues; alice's agent renews from it at its next GetCA
        CaRotation.Outcome switched = CaRotation.switchIssuing(ca, clock);
        Instant switchedAt = Instant.now();
        say.say("pki rotate switch --dir %s: alice's PKI issues from the next root now", ca.dir());
        say.detail("pki rotate says next: %s", switched.state().nextStep(ca, "alice"));
        String nextIssuer = next.certificate().getSubjectX500Principal().getName();
        demo.await("alice's agent to renew its certificate from the next root",
                () -> issuer(alice.out()).equals(nextIssuer));
        Duration switchToRenewal = Duration.between(switchedAt, Instant.now());
        demo.await("alice's client to present its certificate of the next root",
                () -> loop.presentedFrom(nextIssuer) > 0);
        step(String.format("alice's agent renewed its certificate from the next root %d ms after the switch (at its "
                + "next GetCA, not at two thirds of its life); alice's client presents it", switchToRenewal.toMillis()),
                "the successor contract without alice's old root");

        // 4. the old root dropped from the contract: alice signs under her new root only
        successor("rotate-alice-drop-old", List.of(nextAdmin), "rotate", "--drop-old", "alice");
        demo.await("bob's chain.pem to lose alice's old root",
                () -> !roots(bob.out(), OutputLayout.CHAIN).contains(oldRoot)
                        && roots(bob.out(), OutputLayout.CHAIN).contains(newRoot));
        step("successor without alice's old root merged; bob's chain.pem no longer trusts it", "pki rotate finish");

        // 5. the old root retired at the PKI; alice's agent follows at its next GetCA
        CaRotation.Outcome finished = CaRotation.finish(ca, clock);
        say.say("pki rotate finish --dir %s: the old root's key is deleted; only the new root is published", ca.dir());
        say.detail("pki rotate says next: %s", finished.state().nextStep(ca, "alice"));
        demo.await("alice's agent to retire the old root (ca.pem, chain.pem)",
                () -> roots(alice.out(), OutputLayout.CA).equals(List.of(newRoot))
                        && !roots(alice.out(), OutputLayout.CHAIN).contains(oldRoot));
        step("alice's agent retired the old root: its ca.pem holds the new root only", "contract renew");

        // 6. a renewal of the contract: a new id and window, the same participants
        successor("renew-alice-bob", List.of(nextAdmin), "renew");
        long afterRenewal = loop.succeeded();
        demo.await("20 more handshakes after the renewal", () -> loop.succeeded() >= afterRenewal + 20);
        step("renewal merged; both agents applied it", "the count, and a search for alice's old root");

        Duration ran = loop.stop();
        List<String> foundIn = oldRootIn(oldRoot, newRoot, bobRoot);
        String oldIssuer = alice.ca.certificate().getSubjectX500Principal().getName();
        return new RotationReport(loop.succeeded(), loop.failures(), ran, loop.presentedFrom(oldIssuer),
                loop.presentedFrom(nextIssuer), loop.meanTimes(), oldRoot, newRoot, switchToRenewal, foundIn);
    }

    /**
     * A successor contract, as operators make it: alice's admin runs {@code trustctl contract VERB CONTRACT ARGS} in
     * a new branch of her clone, signs it with {@code signers}, pushes; bob's admin co-signs and pushes; it is merged
     * and both agents apply it.
     */
    private void successor(String branch, List<Credential> signers, String verb, String... args) throws Exception {
        AdminClone a = demo.aliceAdmin();
        a.newBranch(branch);
        List<String> command = new ArrayList<>(List.of("contract", verb, a.file(CONTRACT).toString()));
        Collections.addAll(command, args);
        String wrote = trustctl(command);
        say.say("alice's admin: trustctl contract %s %s, on branch %s", verb, String.join(" ", command.subList(2,
                command.size())).replace(a.file(CONTRACT).toString(), CONTRACT), branch);
        say.detail("%s", wrote.lines().findFirst().orElse(""));
        for (Credential signer : signers) {
            a.sign(CONTRACT, signer);
        }
        say.detail("alice signs with %s; push: %s", signers.size() == 1 ? "her admin certificate"
                : "an admin certificate under each of her roots", a.commitAndPush(verb + " " + CONTRACT));
        AdminClone b = demo.bobAdmin();
        b.checkout(branch);
        b.sign(CONTRACT, demo.bob().admin);
        say.detail("bob's admin co-signs; push: %s", b.commitAndPush("Co-sign the " + verb + " of " + CONTRACT));
        merged(branch);
    }

    /** Merges the branch and waits until both agents applied main's new commit. */
    private void merged(String branch) throws Exception {
        String answer = demo.merge(branch);
        say.detail("merge %s: %s", branch, answer);
        if (!answer.startsWith("200")) {
            throw new IllegalStateException("the merge of " + branch + " was refused: " + answer);
        }
        String main = demo.mainCommit();
        demo.await("both agents to apply main " + main.substring(0, 12),
                () -> main.equals(demo.alice().agent().status().appliedCommit())
                        && main.equals(demo.bob().agent().status().appliedCommit()));
    }

    /** Runs trustctl in-process, as the operator would; its output, or the step fails with its one-line error. */
    private String trustctl(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Trustctl.commandLine(clock);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(new String[0]));
        if (code != 0) {
            throw new IllegalStateException("trustctl " + String.join(" ", args) + " failed (exit " + code + "): "
                    + err.toString().strip());
        }
        return out.toString();
    }

    /**
     * Marks a step: once the client loop runs, a step counts only when a handshake succeeded since the previous
     * one, so that the loop is seen working through every step, whatever the machine's speed.
     */
    private void step(String what, String next) throws InterruptedException {
        long before = handshakesAtLastStep;
        demo.await("a handshake during: " + what, () -> loop.succeeded() > before);
        handshakesAtLastStep = loop.succeeded();
        say.say("%s", what);
        say.detail("handshakes so far: %d, failed: %d; next: %s", loop.succeeded(), loop.failures().size(), next);
    }

    /** Where alice's old root still is: every bundle of both agents and every answer of the repo-server. */
    private List<String> oldRootIn(String oldRoot, String newRoot, String bobRoot) throws Exception {
        List<String> found = new ArrayList<>();
        for (DemoZone z : List.of(demo.alice(), demo.bob())) {
            for (String f : List.of(OutputLayout.CHAIN, OutputLayout.CA)) {
                if (roots(z.out(), f).contains(oldRoot)) {
                    found.add(z.name + "'s agent " + f);
                }
            }
            if (truststore(z.out()).contains(oldRoot)) {
                found.add(z.name + "'s agent " + OutputLayout.TRUSTSTORE);
            }
        }
        say.say("searching for alice's old root sha256:%s", short12(oldRoot));
        say.detail("alice's agent: ca.pem %s, chain.pem %s, truststore.p12 %s", short12(roots(demo.alice().out(),
                OutputLayout.CA)), short12(roots(demo.alice().out(), OutputLayout.CHAIN)), short12(truststore(demo.alice().out())));
        say.detail("bob's agent:   ca.pem %s, chain.pem %s, truststore.p12 %s", short12(roots(demo.bob().out(),
                OutputLayout.CA)), short12(roots(demo.bob().out(), OutputLayout.CHAIN)), short12(truststore(demo.bob().out())));
        for (String[] asker : List.of(new String[] {"bob", bobRoot}, new String[] {"alice (new root)", newRoot},
                new String[] {"alice (old root)", oldRoot})) {
            List<List<String>> peers = demo.peersByHash(asker[1]);
            say.detail("repo-server: peers of %s by JSON %s, by gRPC %s", asker[0], short12(peers.get(0)),
                    short12(peers.get(1)));
            if (peers.get(0).contains(oldRoot)) {
                found.add("the repo-server's JSON bundle for " + asker[0]);
            }
            if (peers.get(1).contains(oldRoot)) {
                found.add("the repo-server's gRPC bundle for " + asker[0]);
            }
        }
        if (demo.getJson("/api/contracts").contains(oldRoot)) {
            found.add("the repo-server's /api/contracts");
        }
        return found;
    }

    /** The roots in an agent's PEM output file, by SHA-256, in file order; empty while the file is absent. */
    static List<String> roots(Path out, String name) {
        try {
            return Pem.certificates(Files.readString(out.resolve(name), StandardCharsets.US_ASCII)).stream()
                    .map(Fingerprint::of).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The certificates in an agent's truststore.p12, by SHA-256 (opened with the agent's keystore.pass). */
    static List<String> truststore(Path out) throws IOException, GeneralSecurityException {
        OutputLayout files = new OutputLayout(out);
        char[] password = Files.readString(files.keystorePassword()).strip().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(files.truststore())) {
            ks.load(in, password);
        }
        List<String> hashes = new ArrayList<>();
        for (String alias : Collections.list(ks.aliases())) {
            Certificate c = ks.getCertificate(alias);
            if (c instanceof X509Certificate x) {
                hashes.add(Fingerprint.of(x));
            }
        }
        return hashes;
    }

    /** The issuer of the certificate in an agent's cert.pem (RFC 2253), "" while unreadable. */
    private static String issuer(Path out) {
        try {
            return Pem.certificates(Files.readString(new OutputLayout(out).cert())).get(0).getIssuerX500Principal()
                    .getName();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (loop != null) {
            try {
                loop.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        demo.close();
    }
}
