package dev.trustcontracts.agent.pki;

import dev.trustcontracts.agent.AgentConfig;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.agent.output.CanonicalKey;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.proto.v1.GetCAResponse;
import dev.trustcontracts.proto.v1.SignCSRResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the zone's roots and the agent's certificate: asks the PKI for its roots every cycle and accepts
 * only a root the operator pinned (--pki-ca or --pki-fingerprint) or learned from the pinned PKI during a
 * root rotation (its next root). Without a pin (only with --pki-plaintext) it trusts the first root it
 * stored (a different root later is refused). It keeps a certificate and key, issuing a new key and CSR
 * when there is none, when it no longer chains to an own root (after a rotation finished), fits the key
 * or the name, at two thirds of its lifetime, and as soon as GetCA says another root issues (after
 * {@code pki rotate switch}: the certificate is renewed from the new root at once). When the PKI is down
 * the current certificate is kept until it expires (and beyond: there is nothing better to serve).
 *
 * <p>This class decides when to contact the PKI; which root is accepted is {@link RootPin}'s job, when a
 * certificate is due {@link RenewalPolicy}'s, the request {@link CsrBuilder}'s, what an answer must be
 * {@link IssuedCertificateCheck}'s, and reading cert.pem and key.pem back {@link StoredLeaf}'s.
 */
public final class CertificateKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateKeeper.class);

    private final PkiClient pki;
    private final RootPin rootPin;
    private final StoredLeaf storedLeaf;
    private final String configuredName;
    private final Duration lifetime;
    private final Clock clock;
    private final Duration checkEvery;

    /** How often the PKI is asked for its root while all is well, unless told otherwise (--pki-check-every). */
    public static final Duration CHECK_EVERY = AgentConfig.DEFAULT_PKI_CHECK_EVERY;
    /** How often a failed PKI is tried again. */
    public static final Duration RETRY_EVERY = Duration.ofSeconds(30);

    private Instant nextContact = Instant.MIN;
    /** The PKI problem of the last contact, reported until the next contact; null when it went well. */
    private String problem;
    /** Why the certificate due for renewal (or missing) was not renewed in the last {@link #ensure}; else null. */
    private String renewalFailure;
    /** The zone name GetCA reported; the default certificate name. */
    private String zone;
    /**
     * The fingerprint of the root the PKI issues from, as its last GetCA answer said (or as the last certificate it
     * issued shows); null while unknown. A certificate from another own root is renewed (after a switch).
     */
    private String issuingRoot;

    /**
     * @param pins       the zone roots accepted, shared with the PKI client's TLS trust, updated as roots are learned
     * @param name       the certificate's CN and DNS (or IP) SAN; null for the zone name GetCA reports
     * @param lifetime   the lifetime to ask for; zero for the PKI's default
     * @param checkEvery how often the PKI is asked for its roots while all is well ({@link #CHECK_EVERY} by default)
     */
    public CertificateKeeper(PkiClient pki, PinSet pins, String name, Duration lifetime, Clock clock, Path out,
            Duration checkEvery) {
        this.pki = pki;
        this.checkEvery = checkEvery;
        OutputLayout layout = new OutputLayout(out);
        this.rootPin = new RootPin(pins, layout);
        this.storedLeaf = new StoredLeaf(layout);
        this.configuredName = name;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * The material for this cycle; fails only when no root is known at all. The PKI is contacted when
     * there is no root or no good certificate, and otherwise every check interval ({@link #CHECK_EVERY} by
     * default) to notice a changed root; after a failed contact, at most every {@link #RETRY_EVERY}.
     */
    /** Takes the PKI memory of the state file (roots, retired roots); once, before the first {@link #ensure}. */
    public void restore(AgentState.Pki memory) throws SyncException {
        rootPin.restore(memory);
    }

    public ZoneMaterial ensure() throws SyncException {
        Instant now = clock.instant();
        OwnRoots stored = rootPin.stored();
        ZoneMaterial.Leaf leaf = stored == null ? null : storedLeaf.read(stored);
        String reason = stored == null ? "no root yet" : leaf == null ? "no certificate yet" : renewalReason(leaf);
        boolean contact = stored == null || !now.isBefore(nextContact) || (reason != null && problem == null);
        boolean renewed = false;
        OwnRoots root = stored;
        if (contact) {
            problem = null;
            try {
                GetCAResponse r = pki.getCa();
                RootPin.Decision decision = rootPin.judge(r);
                zone = r.getZone().isEmpty() ? zone : r.getZone();
                if (decision.issuing() != null && !decision.issuing().equals(issuingRoot)) {
                    if (issuingRoot != null) {
                        LOG.info("pki: the zone's root sha256:{} issues now (was sha256:{})", decision.issuing(),
                                issuingRoot);
                    }
                    issuingRoot = decision.issuing();
                }
                if (!decision.roots().equals(stored)) {
                    // first roots, a next root learned, or a rotation finished: a leaf from a retired root is dropped
                    root = decision.roots();
                    leaf = storedLeaf.read(root);
                }
                if (decision.problem() != null) {
                    problem = decision.problem();
                    LOG.warn("pki: {}", problem);
                }
            } catch (SyncException e) {
                if (stored == null) {
                    nextContact = now.plus(RETRY_EVERY);
                    throw e;
                }
                problem = e.getMessage();
                LOG.warn("pki: {}", problem);
            }
            reason = leaf == null ? "no certificate yet" : renewalReason(leaf);
            if (reason != null && problem == null) {
                if (name() == null) {
                    problem = "cannot ask for a certificate: no --name and the PKI did not report its zone";
                } else {
                    try {
                        LOG.info("certificate: requesting a new one for {} ({})", name(), reason);
                        leaf = issue(root, name());
                        renewed = true;
                    } catch (SyncException e) {
                        problem = e.getMessage();
                        LOG.warn("certificate: {}; keeping the current one", e.getMessage());
                    }
                }
            }
            nextContact = now.plus(problem == null ? checkEvery : RETRY_EVERY);
        }
        String due = leaf == null ? "no certificate yet" : renewalReason(leaf);
        renewalFailure = due != null && !renewed && problem != null ? due + " and the PKI did not issue one: " + problem
                : null;
        return new ZoneMaterial(root, leaf, problem, renewed, rootPin.memory());
    }

    /**
     * After {@link #ensure}: null when the certificate is good or was just renewed; else why it is due and what
     * the PKI said. The cycle then fails, so that {@code --once} exits non-zero and /healthz is degraded.
     */
    public String renewalFailure() {
        return renewalFailure;
    }

    private String name() {
        return configuredName != null ? configuredName : zone;
    }

    /** Why the leaf must be replaced now, or null when it is good. */
    private String renewalReason(ZoneMaterial.Leaf leaf) {
        return RenewalPolicy.reason(leaf, name(), clock.instant(), issuingRoot);
    }

    private ZoneMaterial.Leaf issue(OwnRoots root, String name) throws SyncException {
        KeyPair keys = KeyType.EC_P256.generate();
        String csr = Pem.encode(CsrBuilder.build(name, keys));
        SignCSRResponse r = pki.signCsr(csr, lifetime);
        List<X509Certificate> chain = IssuedCertificateCheck.check(r, keys.getPublic(), root, clock.instant());
        X509Certificate leaf = chain.get(0);
        String certPem = Pem.encode(chain.subList(0, chain.size() - 1));
        // a generated key's own encoding depends on the JCE provider that made it (Apache MINA, for ssh://
        // remotes, registers Bouncy Castle): key.pem gets the canonical form, the same one a later run
        // re-encodes from what it reads back, so the file is written once
        String keyPem = CanonicalKey.pem(keys.getPrivate());
        ZoneMaterial.Leaf issued = new ZoneMaterial.Leaf(certPem, keyPem, keys.getPrivate(), chain);
        storedLeaf.remember(issued, root);
        // what the PKI just issued from is its issuing root, even when a switch came between GetCA and SignCSR: the
        // new certificate is never renewed again for that
        issuingRoot = Fingerprint.of(chain.get(chain.size() - 1));
        LOG.info("certificate: issued {} serial {} valid until {}", leaf.getSubjectX500Principal().getName(),
                leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant());
        return issued;
    }
}
