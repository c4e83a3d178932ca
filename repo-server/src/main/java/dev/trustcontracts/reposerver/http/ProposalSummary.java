package dev.trustcontracts.reposerver.http;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.ContractFormatException;
import dev.trustcontracts.core.contract.Names;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.Rule;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyDescription;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.core.crypto.SubjectText;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.Signature;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * What merging one contract file of a proposal changes on main, for the proposal page's summary above the
 * raw diff: the file as main holds it now (before) against the proposal's (after). Participants added and
 * removed; every root, current and next, added, changed, dropped or kept; the windows; every signature
 * with the root it chains to and its signer (readable subject, fingerprint, key); and, for each signature
 * the verifier says is missing, the {@code trustctl contract sign} command that participant runs.
 */
final class ProposalSummary {
    private ProposalSummary() {
    }

    /** One root a participant lists, by role. */
    private record Root(String participant, String role, String hash, String pem) {
    }

    /**
     * The summary of the contract file at {@code path} whose proposed content is {@code blob}; {@code error}
     * instead when either side does not read as a contract (the problems already say why).
     */
    static Map<String, Object> changed(ObjectReader reader, RevCommit main, String path, ObjectId blob,
                                       List<Problem> problems, long maxFileBytes) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        Contract after;
        Contract before;
        try {
            after = read(reader, blob, path, maxFileBytes);
            ObjectId old = onMain(reader, main, path);
            before = old == null ? null : read(reader, old, path, maxFileBytes);
        } catch (ContractFormatException | IllegalArgumentException e) {
            m.put("error", e.getMessage());
            return m;
        }
        m.put("name", after.getBody().getName());
        m.put("change", before == null ? "added" : "changed");
        m.put("idChanged", before != null && !before.getBody().getId().equals(after.getBody().getId()));
        m.put("participants", participants(before, after));
        m.put("roots", roots(before, after));
        Map<String, Object> windows = new LinkedHashMap<>();
        windows.put("before", before == null ? Map.of() : window(before));
        windows.put("after", window(after));
        m.put("window", windows);
        m.put("signatures", signatures(after, problems));
        m.put("coSign", coSign(after, path, problems));
        return m;
    }

    /** A contract file the proposal deletes: merging it revokes that contract. */
    static Map<String, Object> removed(String path) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("name", ContractFormat.baseName(path));
        m.put("change", "removed");
        return m;
    }

    private static Map<String, Object> participants(Contract before, Contract after) {
        Set<String> was = names(before);
        Set<String> is = names(after);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("added", is.stream().filter(n -> !was.contains(n)).toList());
        m.put("removed", was.stream().filter(n -> !is.contains(n)).toList());
        m.put("kept", is.stream().filter(was::contains).toList());
        return m;
    }

    private static Set<String> names(Contract c) {
        Set<String> out = new LinkedHashSet<>();
        if (c != null) {
            c.getBody().getParticipantsList().forEach(p -> out.add(p.getName()));
        }
        return out;
    }

    /** Every root of both sides by (participant, role), in the proposal's order, then the dropped ones. */
    private static List<Map<String, Object>> roots(Contract before, Contract after) {
        Map<String, Root> was = rootsOf(before);
        Map<String, Root> is = rootsOf(after);
        Set<String> keys = new LinkedHashSet<>(is.keySet());
        keys.addAll(was.keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String k : keys) {
            Root b = was.get(k);
            Root a = is.get(k);
            Root any = a != null ? a : b;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("participant", any.participant());
            m.put("role", any.role());
            m.put("change", b == null ? "added" : a == null ? "dropped" : b.hash().equals(a.hash()) ? "kept" : "changed");
            m.put("before", b == null ? null : b.hash());
            m.put("after", a == null ? null : a.hash());
            m.put("certificate", certificate(any.pem()));
            out.add(m);
        }
        return out;
    }

    private static Map<String, Root> rootsOf(Contract c) {
        Map<String, Root> out = new LinkedHashMap<>();
        if (c == null) {
            return out;
        }
        for (Participant p : c.getBody().getParticipantsList()) {
            out.put(p.getName() + "/current", new Root(p.getName(), "current", p.getHash(), p.getCertificate()));
            if (p.hasNext()) {
                out.put(p.getName() + "/next", new Root(p.getName(), "next", p.getNext().getHash(),
                        p.getNext().getCertificate()));
            }
        }
        return out;
    }

    private static Map<String, Object> window(Contract c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("notBefore", JsonViews.instant(c.getBody().getNotBefore()));
        m.put("notAfter", JsonViews.instant(c.getBody().getNotAfter()));
        return m;
    }

    private static List<Map<String, Object>> signatures(Contract c, List<Problem> problems) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Signature s : c.getSignaturesList()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("participant", s.getParticipant());
            Root root = rootOf(c, s);
            m.put("root", root == null ? null : root.hash());
            m.put("role", root == null ? null : root.role());
            m.put("signedAt", JsonViews.instant(s.getSignedAt()));
            m.put("algorithm", s.getAlgorithm());
            m.put("signer", s.getCertificateChainCount() == 0 ? null : certificate(s.getCertificateChain(0)));
            List<String> own = problems.stream()
                    .filter(p -> s.getParticipant().equals(p.participant()) && p.rule().concernsSignature())
                    .map(p -> p.rule().code() + ": " + p.message()).toList();
            m.put("status", own.isEmpty() ? "valid" : "invalid");
            m.put("problems", own);
            out.add(m);
        }
        return out;
    }

    /**
     * For each participant the verifier names as {@code signature-missing}, one command per root it still has
     * to sign with (a participant with a next root signs once with each).
     */
    private static List<Map<String, Object>> coSign(Contract c, String path, List<Problem> problems) {
        Set<String> missing = new LinkedHashSet<>();
        problems.stream().filter(p -> p.rule() == Rule.SIGNATURE_MISSING && p.participant() != null)
                .forEach(p -> missing.add(p.participant()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Participant p : c.getBody().getParticipantsList()) {
            if (!missing.contains(p.getName()) || !Names.isLabel(p.getName())) {
                continue; // a name that is not a label is refused anyway; it never goes into a command line
            }
            Set<String> covered = new LinkedHashSet<>();
            for (Signature s : c.getSignaturesList()) {
                Root r = s.getParticipant().equals(p.getName()) ? rootOf(c, s) : null;
                if (r != null) {
                    covered.add(r.hash());
                }
            }
            List<Root> roots = new ArrayList<>(rootsOf(c).values().stream()
                    .filter(r -> r.participant().equals(p.getName()) && !covered.contains(r.hash())).toList());
            if (roots.isEmpty()) {
                // the verifier says missing, yet every root is covered (a signature it refused): sign again
                roots.add(new Root(p.getName(), "current", p.getHash(), p.getCertificate()));
            }
            for (Root r : roots) {
                CoSignCommand cmd = CoSignCommand.of(path, p.getName(), r.role().equals("next"));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("participant", p.getName());
                m.put("root", r.hash());
                m.put("role", r.role());
                m.put("command", cmd.line());
                m.put("argv", cmd.argv());
                m.put("signer", cmd.signer());
                out.add(m);
            }
        }
        return out;
    }

    /**
     * The root of the signature's participant its chain ends at: the chain's last certificate is that root,
     * or is issued and signed by it. Null when it chains to none (the problems say why).
     */
    private static Root rootOf(Contract c, Signature s) {
        if (s.getCertificateChainCount() == 0) {
            return null;
        }
        X509Certificate top;
        try {
            top = Pem.certificate(s.getCertificateChain(s.getCertificateChainCount() - 1));
        } catch (PemException | IllegalStateException e) {
            return null;
        }
        String topHash = Fingerprint.of(top);
        for (Root r : rootsOf(c).values()) {
            if (!r.participant().equals(s.getParticipant())) {
                continue;
            }
            if (r.hash().equals(topHash)) {
                return r;
            }
            try {
                X509Certificate root = Pem.certificate(r.pem());
                if (top.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
                    top.verify(root.getPublicKey());
                    return r;
                }
            } catch (PemException | IllegalStateException | GeneralSecurityException e) {
                // not this root
            }
        }
        return null;
    }

    private static Map<String, Object> certificate(String pem) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            X509Certificate c = Pem.certificate(pem);
            m.put("subject", SubjectText.subject(c));
            m.put("fingerprint", Fingerprint.of(c));
            m.put("key", KeyDescription.of(c));
            m.put("notAfter", c.getNotAfter().toInstant().toString());
        } catch (PemException | IllegalStateException e) {
            m.put("error", "unreadable certificate" + (e instanceof PemException ? ": " + e.getMessage() : ""));
        }
        return m;
    }

    private static ObjectId onMain(ObjectReader reader, RevCommit main, String path) throws IOException {
        try (TreeWalk tw = TreeWalk.forPath(reader, path, main.getTree())) {
            return tw == null ? null : tw.getObjectId(0);
        }
    }

    private static Contract read(ObjectReader reader, ObjectId blob, String path, long maxFileBytes)
            throws IOException, ContractFormatException {
        ObjectLoader loader = reader.open(blob);
        if (loader.getSize() > maxFileBytes) {
            throw new IllegalArgumentException("file too large");
        }
        return ContractCodec.parse(loader.getBytes(), ContractFormat.forFileName(path).orElseThrow());
    }
}
