package dev.trustcontracts.reposerver.http;

import com.google.protobuf.Timestamp;
import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.Problem;
import dev.trustcontracts.core.contract.VerifiedContract;
import dev.trustcontracts.core.crypto.CertificateChecks;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyDescription;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.core.crypto.SubjectText;
import dev.trustcontracts.core.time.ProtoTime;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.GetCertificatesResponse;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.PeerCertificate;
import dev.trustcontracts.proto.v1.Signature;
import dev.trustcontracts.reposerver.index.CertificateQuery;
import dev.trustcontracts.reposerver.index.Ending;
import dev.trustcontracts.reposerver.index.IndexSnapshot;
import dev.trustcontracts.reposerver.index.Listing;
import dev.trustcontracts.reposerver.index.TreeValidator;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the HTTP API (plain maps and lists, in a stable field order). */
final class JsonViews {
    private JsonViews() {
    }

    /** A page of the valid contracts, with how many expire within {@link SnapshotLists#EXPIRING} of the judgement. */
    static Map<String, Object> contractList(SnapshotLists.Lists lists, Listing.Page<VerifiedContract> page) {
        List<Object> items = new ArrayList<>();
        for (VerifiedContract c : page.items()) {
            items.add(summary(c, false));
        }
        Map<String, Object> h = head(lists.snapshot());
        h.put("expiring", Map.of("within", SnapshotLists.EXPIRING.toString(), "count", lists.expiring()));
        return ListParams.answer(h, page, "contracts", items);
    }

    /** A page of every contract and root on main, soonest end first, with the command that renews or rotates it. */
    static Map<String, Object> endings(IndexSnapshot s, Listing.Page<Ending> page) {
        List<Object> items = new ArrayList<>();
        for (Ending e : page.items()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", e.kind());
            m.put("name", e.name());
            m.put("fingerprint", e.fingerprint());
            m.put("path", e.path());
            m.put("contracts", e.contracts());
            m.put("endsAt", e.endsAt().toString());
            m.put("command", e.command());
            items.add(m);
        }
        return ListParams.answer(head(s), page, "endings", items);
    }

    static Map<String, Object> contract(IndexSnapshot s, VerifiedContract c) {
        Map<String, Object> m = head(s);
        Map<String, Object> detail = summary(c, true);
        detail.put("yaml", ContractCodec.toYaml(c.contract()));
        m.put("contract", detail);
        return m;
    }

    static Map<String, Object> certificates(CertificateQuery q, GetCertificatesResponse r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commit", r.getCommit());
        m.put("generatedAt", instant(r.getGeneratedAt()));
        m.put("query", q.hash() != null ? Map.of("hash", q.hash()) : Map.of("name", q.name()));
        List<Object> certs = new ArrayList<>();
        for (PeerCertificate p : r.getCertificatesList()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("participant", p.getParticipant());
            c.put("hash", p.getHash());
            c.put("trustDomain", p.getTrustDomain());
            c.put("contracts", p.getContractsList());
            c.put("certificate", p.getCertificate());
            certs.add(c);
        }
        m.put("certificates", certs);
        return m;
    }

    static Map<String, Object> summary(VerifiedContract c, boolean withCertificates) {
        ContractBody b = c.contract().getBody();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.getName());
        m.put("id", b.getId());
        m.put("path", c.path());
        m.put("notBefore", instant(b.getNotBefore()));
        m.put("notAfter", instant(b.getNotAfter()));
        // the earliest of not_after and every root's and signer certificate's notAfter; validUntil is its old name
        m.put("effectiveExpiry", c.effectiveExpiry().toString());
        m.put("validUntil", c.validUntil().toString());
        List<Object> ps = new ArrayList<>();
        for (Participant p : b.getParticipantsList()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.getName());
            pm.put("hash", p.getHash());
            pm.put("trustDomain", p.getTrustDomain());
            if (withCertificates) {
                pm.put("certificate", p.getCertificate());
                pm.put("certificateInfo", certificateInfo(p.getCertificate()));
            }
            ps.add(pm);
        }
        m.put("participants", ps);
        List<Object> sigs = new ArrayList<>();
        for (Signature s : c.contract().getSignaturesList()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("participant", s.getParticipant());
            sm.put("signer", signerSubject(s));
            sm.put("algorithm", s.getAlgorithm());
            sm.put("signedAt", instant(s.getSignedAt()));
            if (withCertificates) {
                List<Object> chain = new ArrayList<>();
                for (String pem : s.getCertificateChainList()) {
                    chain.add(certificateInfo(pem));
                }
                sm.put("chain", chain);
            }
            sigs.add(sm);
        }
        m.put("signatures", sigs);
        return m;
    }

    static Map<String, Object> verdict(String branch, TreeValidator.Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("branch", branch);
        m.put("commit", v.commit().name());
        m.put("acceptable", v.accepted());
        m.put("problems", v.blocking().stream().map(Problem::toJson).toList());
        m.put("notes", v.warnings().stream().map(Problem::toJson).toList());
        return m;
    }


    static Map<String, Object> error(int status, String message, List<String> problems) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("error", message);
        if (!problems.isEmpty()) {
            m.put("problems", problems);
        }
        return m;
    }

    static Map<String, Object> head(IndexSnapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commit", s.commit());
        m.put("generatedAt", s.generatedAt().toString());
        return m;
    }

    /**
     * What an admin checks on a certificate: subject, issuer ({@link SubjectText}), validity, SHA-256 fingerprint
     * of the DER, serial and key ({@code key}: {@link KeyDescription}, with its curve or size); {@code error}
     * instead when the PEM does not read.
     */
    static Map<String, Object> certificateInfo(String pem) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            // strict: a proposal's field with a second block or junk shows the reason, not its first certificate
            X509Certificate c = Pem.certificate(pem);
            m.put("subject", SubjectText.subject(c));
            m.put("issuer", SubjectText.issuer(c));
            m.put("notBefore", c.getNotBefore().toInstant().toString());
            m.put("notAfter", c.getNotAfter().toInstant().toString());
            m.put("fingerprint", Fingerprint.of(c));
            m.put("serial", c.getSerialNumber().toString(16));
            m.put("keyAlgorithm", c.getPublicKey().getAlgorithm());
            m.put("key", KeyDescription.of(c));
            m.put("ca", CertificateChecks.isCa(c));
        } catch (PemException | IndexOutOfBoundsException | IllegalStateException e) {
            m.put("error", "unreadable certificate" + (e instanceof PemException ? ": " + e.getMessage() : ""));
        }
        return m;
    }

    static String signerSubject(Signature s) {
        if (s.getCertificateChainCount() == 0) {
            return "";
        }
        try {
            return SubjectText.subject(Pem.certificate(s.getCertificateChain(0)));
        } catch (PemException | IndexOutOfBoundsException e) {
            return "";
        }
    }

    static String instant(Timestamp t) {
        return ProtoTime.toInstant(t).toString();
    }
}
