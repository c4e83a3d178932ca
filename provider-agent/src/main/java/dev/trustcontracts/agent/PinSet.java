package dev.trustcontracts.agent;

import dev.trustcontracts.core.crypto.Fingerprint;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The zone roots the agent accepts from its PKI, for the TLS handshake ({@link PinnedRootTrustManager}) and the
 * GetCA answer ({@link RootPin}): the operator's pins ({@code --pki-ca}, or {@code --pki-fingerprint} once or
 * twice: current and next root), plus the zone's own roots the agent learned from authenticated GetCA answers
 * (the next root of a rotation, announced by the pinned PKI: so the pin follows the rotation), less every root
 * the agent saw retired (never accepted again, even when still given on the command line: a downgrade).
 *
 * <p>Shared by the keeper (which updates it after each accepted answer) and the PKI channel's trust manager (which
 * reads it at every handshake), hence synchronized.
 */
final class PinSet {
    private final List<PkiPin> operator;
    private OwnRoots learned;
    private final Set<String> retired = new TreeSet<>();

    /** @param operator the operator's pins, none only with --pki-plaintext (trust on first use) */
    PinSet(List<PkiPin> operator) {
        this.operator = List.copyOf(operator);
    }

    static PinSet of(PkiPin pin) {
        return new PinSet(pin == null ? List.of() : List.of(pin));
    }

    /** Whether the operator pinned anything; without a pin the first root answered is trusted. */
    boolean pinned() {
        return !operator.isEmpty();
    }

    List<PkiPin> operatorPins() {
        return operator;
    }

    /** The operator's pins as fingerprints, sorted. */
    List<String> operatorHashes() {
        return operator.stream().map(PkiPin::fingerprint).sorted().distinct().toList();
    }

    boolean operatorPinned(String hash) {
        return operator.stream().anyMatch(p -> p.fingerprint().equals(hash));
    }

    /** Records what the keeper accepted: the zone's own roots now, and every root retired so far. */
    synchronized void update(OwnRoots roots, Set<String> retiredRoots) {
        this.learned = roots;
        this.retired.addAll(retiredRoots);
    }

    synchronized boolean retired(String hash) {
        return retired.contains(hash);
    }

    /** Whether a root with this fingerprint may be the PKI's root: pinned or learned, and not retired. */
    synchronized boolean accepts(String hash) {
        if (retired.contains(hash)) {
            return false;
        }
        return operatorPinned(hash) || (learned != null && learned.contains(hash));
    }

    /** Every accepted fingerprint, the operator's first, for messages. */
    synchronized List<String> accepted() {
        List<String> out = new ArrayList<>();
        for (PkiPin p : operator) {
            if (!retired.contains(p.fingerprint()) && !out.contains(p.fingerprint())) {
                out.add(p.fingerprint());
            }
        }
        if (learned != null) {
            for (String h : learned.hashes()) {
                if (!retired.contains(h) && !out.contains(h)) {
                    out.add(h);
                }
            }
        }
        return out;
    }

    /**
     * The accepted roots whose certificates are known (pinned by file, or learned), plus the certificates of the
     * presented chain whose fingerprint is accepted (pinned by fingerprint only): the anchors a TLS chain is
     * verified against.
     */
    synchronized List<X509Certificate> anchors(X509Certificate[] chain) {
        Map<String, X509Certificate> out = new LinkedHashMap<>();
        for (PkiPin p : operator) {
            if (p.root() != null && accepts(p.fingerprint())) {
                out.putIfAbsent(p.fingerprint(), p.root());
            }
        }
        if (learned != null) {
            for (X509Certificate c : learned.all()) {
                String h = Fingerprint.of(c);
                if (accepts(h)) {
                    out.putIfAbsent(h, c);
                }
            }
        }
        if (chain != null) {
            for (X509Certificate c : chain) {
                String h = Fingerprint.of(c);
                if (accepts(h)) {
                    out.putIfAbsent(h, c);
                }
            }
        }
        return List.copyOf(out.values());
    }

    /** The accepted fingerprints as a message names them: {@code sha256:A} or {@code sha256:A or sha256:B}. */
    String describe() {
        List<String> a = accepted();
        if (a.isEmpty()) {
            return "(none: every pinned root was retired)";
        }
        return a.stream().map(h -> "sha256:" + h).collect(Collectors.joining(" or "));
    }
}
