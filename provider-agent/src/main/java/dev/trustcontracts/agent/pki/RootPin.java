package dev.trustcontracts.agent.pki;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.agent.output.AgentState;
import dev.trustcontracts.core.crypto.CertificateChecks;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.proto.v1.CaRoot;
import dev.trustcontracts.proto.v1.GetCAResponse;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which zone roots the agent accepts. The PKI's established root (GetCA's {@code certificate}) must be pinned
 * (--pki-ca, --pki-fingerprint once or twice) or one the agent already accepted; without a pin (only with
 * --pki-plaintext) the first root stored is trusted and a different one later is refused. The next root of a
 * rotation (GetCA's {@code roots} entry marked {@code next}) is learned only from an answer whose established root
 * passed that check, over the channel pinned to it, and becomes an accepted pin: when the PKI finishes the
 * rotation and presents the next root as its established one, the agent follows. A root the PKI no longer
 * publishes is retired: never accepted again, so that an old answer or a restored old PKI cannot bring it back.
 *
 * <p>The roots and the retired ones are remembered in the state file ({@link AgentState.Pki}); an agent whose state
 * predates rotation reads its one root from ca.pem. Remembered roots whose established root is not pinned are
 * ignored when the operator's pins changed since they were accepted (the operator re-pinned).
 */
final class RootPin {
    /** Logs under the keeper's name, as before the split: operators filter on it. */
    private static final Logger LOG = LoggerFactory.getLogger(CertificateKeeper.class);

    /**
     * What a GetCA answer means for the zone's roots: the roots to use, why the answer was not taken (or null), and
     * the fingerprint of the root that issues (or null when the answer was not taken or names none).
     */
    record Decision(OwnRoots roots, String problem, String issuing) {
    }

    private final PinSet pins;
    private final OutputLayout layout;
    private OwnRoots roots;
    private final Set<String> retired = new TreeSet<>();
    private boolean restored;

    RootPin(PinSet pins, OutputLayout layout) {
        this.pins = pins;
        this.layout = layout;
    }

    RootPin(PkiPin pin, OutputLayout layout) {
        this(PinSet.of(pin), layout);
    }

    /** Takes what the state file remembers; once, before the first answer is judged. */
    void restore(AgentState.Pki memory) throws SyncException {
        restored = true;
        retired.addAll(memory.retired());
        OwnRoots remembered = memory.roots().isEmpty() ? legacyCaPem() : parse(memory.roots());
        roots = null;
        if (remembered != null) {
            String established = remembered.establishedHash();
            boolean samePins = memory.roots().isEmpty() || memory.pins().equals(pins.operatorHashes());
            if (retired.contains(established)) {
                LOG.warn("the remembered root sha256:{} was retired; taking the PKI's root again", established);
            } else if (pins.pinned() && !pins.operatorPinned(established) && !samePins) {
                LOG.warn("the remembered zone root sha256:{} is not the pinned {}; the pinned root replaces it",
                        established, pins.operatorHashes().stream().map(h -> "sha256:" + h).toList());
            } else {
                roots = remembered;
            }
        }
        pins.update(roots, retired);
    }

    /** The roots remembered in the state file, already judged once. */
    private static OwnRoots parse(List<String> pems) throws SyncException {
        try {
            X509Certificate established = Pem.certificate(pems.get(0));
            X509Certificate next = pems.size() > 1 ? Pem.certificate(pems.get(1)) : null;
            return new OwnRoots(established, next);
        } catch (IllegalArgumentException e) {
            throw new SyncException(FailureKind.STATE, "the state file's pki.roots are unreadable (" + e.getMessage()
                    + "); restore the state file, or move it away to start afresh");
        }
    }

    /** An agent from before rotation kept its one root in ca.pem only: its first certificate, when pinned. */
    private OwnRoots legacyCaPem() throws SyncException {
        String pem = layout.readTextIfPresent(OutputLayout.CA);
        if (pem == null) {
            return null;
        }
        try {
            X509Certificate root = Pem.certificates(pem).get(0);
            if (pins.pinned() && !pins.operatorPinned(Fingerprint.of(root))) {
                LOG.warn("{} is the root sha256:{}, not the pinned {}; it will be replaced by the pinned root",
                        layout.ca(), Fingerprint.of(root), pins.describe());
                return null;
            }
            return OwnRoots.of(root);
        } catch (PemException | IndexOutOfBoundsException e) {
            LOG.warn("{} is unreadable ({}); taking the PKI's root again", layout.ca(), e.getMessage());
            return null;
        }
    }

    /** The zone's roots as last accepted, or null when none is known yet. */
    OwnRoots stored() throws SyncException {
        if (!restored) {
            restore(AgentState.Pki.NONE);
        }
        return roots;
    }

    /** What to remember in the state file. */
    AgentState.Pki memory() {
        List<String> pems = new ArrayList<>();
        if (roots != null) {
            roots.all().forEach(c -> pems.add(Pem.encode(c)));
        }
        return new AgentState.Pki(pems, pins.operatorHashes(), List.copyOf(retired));
    }

    /**
     * Judges the PKI's GetCA answer against the pins and the remembered roots, and takes it when it passes.
     *
     * @return the roots to use now; with a problem (and the remembered roots) when a pin-less agent is offered a
     *         root it never saw
     * @throws SyncException when the answer is no usable root at all: unreadable, not a CA, a hash that does not
     *                       match, not the pinned root, or a retired root
     */
    Decision judge(GetCAResponse answer) throws SyncException {
        if (!restored) {
            restore(AgentState.Pki.NONE);
        }
        OwnRoots offered = published(answer);
        String established = offered.establishedHash();
        if (retired.contains(established)) {
            throw new SyncException(FailureKind.PKI, "the PKI's GetCA answer is the root sha256:" + established
                    + ", which this zone retired at the end of a root rotation; refusing a downgrade to it");
        }
        if (pins.pinned() && !pins.accepts(established)) {
            throw new SyncException(FailureKind.PKI, "the PKI's GetCA answer is the root sha256:" + established
                    + ", not the pinned " + pins.describe() + " (--pki-ca/--pki-fingerprint); refusing it");
        }
        if (offered.next() != null && retired.contains(Fingerprint.of(offered.next()))) {
            throw new SyncException(FailureKind.PKI, "the PKI's GetCA answer announces the next root sha256:"
                    + Fingerprint.of(offered.next()) + ", which this zone retired; refusing it");
        }
        if (roots != null && !pins.pinned() && !roots.contains(established)) {
            return new Decision(roots, "the PKI now presents a different root (" + established + ") than the one "
                    + "this agent trusts (" + roots.establishedHash() + ", in " + layout.ca() + "); refusing it. If "
                    + "the zone's root really changed, pin the new one (--pki-fingerprint " + established + ")",
                    null);
        }
        if (roots != null) {
            for (String h : roots.hashes()) {
                if (!offered.contains(h) && retired.add(h)) {
                    LOG.info("pki: the zone root sha256:{} is no longer published: retired, never accepted again", h);
                }
            }
            if (offered.next() != null && !roots.contains(offered.next())) {
                LOG.info("pki: the zone's next root sha256:{} is announced (rotation started); it is trusted beside "
                        + "the current one", Fingerprint.of(offered.next()));
            }
        }
        roots = offered;
        pins.update(roots, retired);
        return new Decision(roots, null, issuing(answer, offered));
    }

    /**
     * The root that issues: the entry of {@code roots} marked {@code issuing} (either own root, checked by
     * {@link #published}); the established root from a PKI that predates rotation (no list); null when no entry is
     * marked.
     */
    private static String issuing(GetCAResponse r, OwnRoots offered) {
        if (r.getRootsCount() == 0) {
            return offered.establishedHash();
        }
        for (CaRoot root : r.getRootsList()) {
            if (root.getIssuing()) {
                return root.getNext() && offered.next() != null ? Fingerprint.of(offered.next())
                        : offered.establishedHash();
            }
        }
        return null;
    }

    /** The roots an answer publishes, each checked: readable, a CA, its hash right; the established one first. */
    private static OwnRoots published(GetCAResponse r) throws SyncException {
        X509Certificate established = checkRoot(null, r.getCertificate(), r.getHash());
        X509Certificate next = null;
        boolean listed = r.getRootsCount() == 0;
        for (CaRoot root : r.getRootsList()) {
            X509Certificate c = checkRoot(root.getNext() ? "next" : "established", root.getCertificate(),
                    root.getHash());
            if (!root.getNext()) {
                if (!IssuedCertificateCheck.sameCertificate(c, established)) {
                    throw new SyncException(FailureKind.PKI, "GetCA lists the established root sha256:"
                            + Fingerprint.of(c) + ", which is not its certificate (" + Fingerprint.of(established)
                            + ")");
                }
                listed = true;
            } else if (next != null) {
                throw new SyncException(FailureKind.PKI, "GetCA announces more than one next root");
            } else {
                next = c;
            }
        }
        if (!listed) {
            throw new SyncException(FailureKind.PKI, "GetCA lists roots but not its established one");
        }
        if (next != null && IssuedCertificateCheck.sameCertificate(next, established)) {
            throw new SyncException(FailureKind.PKI, "GetCA announces its established root as the next one");
        }
        return new OwnRoots(established, next);
    }

    /** @param listed null for GetCA's certificate field, else which entry of its roots list ("next") */
    private static X509Certificate checkRoot(String listed, String pem, String hash) throws SyncException {
        String what = listed == null ? "GetCA returned" : "GetCA announces as its " + listed + " root";
        X509Certificate root;
        try {
            root = Pem.certificate(pem);
        } catch (PemException e) {
            throw new SyncException(FailureKind.PKI, what + " an unreadable certificate: " + e.getMessage());
        }
        if (!CertificateChecks.isIssuingCa(root)) {
            throw new SyncException(FailureKind.PKI, what + " a certificate that is not a CA"
                    + (listed == null ? "" : " (sha256:" + Fingerprint.of(root) + "); refusing the answer"));
        }
        String actual = Fingerprint.of(root);
        if (!hash.isEmpty() && !hash.equals(actual)) {
            throw new SyncException(FailureKind.PKI, (listed == null ? "GetCA's hash " : "GetCA's " + listed
                    + " root hash ") + hash + " does not match its certificate (" + actual + ")");
        }
        return root;
    }
}
