package dev.trustcontracts.agent;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.proto.v1.GetCAResponse;
import dev.trustcontracts.proto.v1.SignCSRResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the zone's root and the agent's certificate: asks the PKI for its root every cycle and accepts
 * only the root the operator pinned (--pki-ca or --pki-fingerprint); a stored ca.pem that differs from
 * the pin is replaced by the pinned root. Without a pin (only with --pki-plaintext) it trusts the first
 * root it stored (a different root later is refused until the operator removes ca.pem). It keeps a
 * certificate and key, issuing a new key and CSR when there is none, when it no longer fits the root,
 * the key or the name, and at two thirds of its lifetime. When the PKI is down the current certificate
 * is kept until it expires (and beyond: there is nothing better to serve).
 */
public final class CertificateKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateKeeper.class);
    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final java.util.regex.Pattern IPV6_CHARS = java.util.regex.Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    static final String CA_FILE = "ca.pem";
    static final String CERT_FILE = "cert.pem";
    static final String KEY_FILE = "key.pem";

    private final PkiClient pki;
    /** The operator's pin; null only with --pki-plaintext (trust on first use). */
    private final PkiPin pin;
    private final String configuredName;
    private final Duration lifetime;
    private final Clock clock;
    private final Path out;

    /** How often the PKI is asked for its root while all is well. */
    static final Duration CHECK_EVERY = Duration.ofMinutes(10);
    /** How often a failed PKI is tried again. */
    static final Duration RETRY_EVERY = Duration.ofSeconds(30);

    private Instant nextContact = Instant.MIN;
    private String storedRootPem;
    private X509Certificate storedRoot;
    /** The PKI problem of the last contact, reported until the next contact; null when it went well. */
    private String problem;
    /** Why the certificate due for renewal (or missing) was not renewed in the last {@link #ensure}; else null. */
    private String renewalFailure;
    /** The zone name GetCA reported; the default certificate name. */
    private String zone;

    /** The last leaf read from disk or issued, with the bytes it came from: not re-parsed while unchanged. */
    private CachedLeaf cached;

    private record CachedLeaf(String certPem, String keyPem, String rootHash, ZoneMaterial.Leaf leaf) {
    }

    /**
     * @param name     the certificate's CN and DNS (or IP) SAN; null for the zone name GetCA reports
     * @param lifetime the lifetime to ask for; zero for the PKI's default
     */
    public CertificateKeeper(PkiClient pki, String name, Duration lifetime, Clock clock, Path out) {
        this(pki, null, name, lifetime, clock, out);
    }

    /** @param pin the zone root the PKI's GetCA answer must be; null trusts the first answer */
    public CertificateKeeper(PkiClient pki, PkiPin pin, String name, Duration lifetime, Clock clock, Path out) {
        this.pki = pki;
        this.pin = pin;
        this.configuredName = name;
        this.lifetime = lifetime;
        this.clock = clock;
        this.out = out;
    }

    /**
     * The material for this cycle; fails only when no root is known at all. The PKI is contacted when
     * there is no root or no good certificate, and otherwise every {@link #CHECK_EVERY} to notice a
     * changed root; after a failed contact, at most every {@link #RETRY_EVERY}.
     */
    public ZoneMaterial ensure() throws SyncException {
        Instant now = clock.instant();
        X509Certificate stored = readStoredRoot();
        ZoneMaterial.Leaf leaf = stored == null ? null : readLeaf(stored, Fingerprint.of(stored));
        String reason = stored == null ? "no root yet" : leaf == null ? "no certificate yet" : renewalReason(leaf, name());
        boolean contact = stored == null || !now.isBefore(nextContact) || (reason != null && problem == null);
        boolean renewed = false;
        X509Certificate root = stored;
        if (contact) {
            problem = null;
            try {
                GetCAResponse r = pki.getCa();
                X509Certificate offered = checkRoot(r);
                if (pin != null && !pin.matches(offered)) {
                    throw new SyncException(FailureKind.PKI, "the PKI's GetCA answer is the root sha256:"
                            + Fingerprint.of(offered) + ", not the pinned sha256:" + pin.fingerprint()
                            + " (--pki-ca/--pki-fingerprint); refusing it");
                }
                zone = r.getZone().isEmpty() ? zone : r.getZone();
                if (stored == null) {
                    root = offered;
                    leaf = readLeaf(root, Fingerprint.of(root));
                } else if (!sameCertificate(stored, offered)) {
                    problem = "the PKI now presents a different root (" + Fingerprint.of(offered) + ") than the stored "
                            + CA_FILE + " (" + Fingerprint.of(stored) + "); refusing it. If the zone's root really "
                            + "changed, remove " + out.resolve(CA_FILE) + " and the agent takes the new one";
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
            reason = leaf == null ? "no certificate yet" : renewalReason(leaf, name());
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
            nextContact = now.plus(problem == null ? CHECK_EVERY : RETRY_EVERY);
        }
        String due = leaf == null ? "no certificate yet" : renewalReason(leaf, name());
        renewalFailure = due != null && !renewed && problem != null ? due + " and the PKI did not issue one: " + problem
                : null;
        return new ZoneMaterial(root, Pem.encode(root), Fingerprint.of(root), leaf, problem, renewed);
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
    String renewalReason(ZoneMaterial.Leaf leaf, String name) {
        Instant now = clock.instant();
        Instant nb = leaf.notBefore();
        Instant na = leaf.notAfter();
        if (now.isAfter(na)) {
            return "the certificate expired at " + na;
        }
        Instant due = nb.plus(Duration.between(nb, na).multipliedBy(2).dividedBy(3));
        if (!now.isBefore(due)) {
            return "two thirds of its lifetime passed at " + due;
        }
        if (name != null && !name.equals(commonName(leaf.certificate()))) {
            return "its name is " + commonName(leaf.certificate()) + ", not " + name;
        }
        return null;
    }

    private X509Certificate readStoredRoot() throws SyncException {
        String pem = readOrNull(out.resolve(CA_FILE));
        if (pem == null) {
            return null;
        }
        if (pem.equals(storedRootPem)) {
            return storedRoot;
        }
        try {
            X509Certificate root = Pem.certificate(pem);
            if (pin != null && !pin.matches(root)) {
                LOG.warn("{} is the root sha256:{}, not the pinned sha256:{}; it will be replaced by the pinned root",
                        out.resolve(CA_FILE), Fingerprint.of(root), pin.fingerprint());
                return null;
            }
            storedRoot = root;
            storedRootPem = pem;
            return storedRoot;
        } catch (PemException e) {
            LOG.warn("{} is unreadable ({}); taking the PKI's root again", out.resolve(CA_FILE), e.getMessage());
            return null;
        }
    }

    /** The certificate on disk when it is readable, fits its key and chains to the root; else null. */
    private ZoneMaterial.Leaf readLeaf(X509Certificate root, String rootHash) throws SyncException {
        String certPem = readOrNull(out.resolve(CERT_FILE));
        String keyPem = readOrNull(out.resolve(KEY_FILE));
        if (certPem == null || keyPem == null) {
            return null;
        }
        CachedLeaf c = cached;
        if (c != null && c.certPem.equals(certPem) && c.keyPem.equals(keyPem) && c.rootHash.equals(rootHash)) {
            return c.leaf;
        }
        try {
            List<X509Certificate> certs = Pem.certificates(certPem);
            PrivateKey key = Pem.privateKey(keyPem);
            List<X509Certificate> chain = chainTo(certs, root);
            if (!keyFits(key, chain.get(0).getPublicKey())) {
                LOG.warn("{} does not belong to {}; a new certificate will be requested", KEY_FILE, CERT_FILE);
                return null;
            }
            // what is written back is re-encoded from what was parsed, never the text found on disk; the key in
            // its one canonical PKCS#8 form, so that a key.pem already in that form is left alone
            ZoneMaterial.Leaf leaf = new ZoneMaterial.Leaf(Pem.encode(chain.subList(0, chain.size() - 1)),
                    CanonicalKey.pem(key), key, chain);
            cached = new CachedLeaf(certPem, keyPem, rootHash, leaf);
            return leaf;
        } catch (PemException | GeneralSecurityException e) {
            LOG.warn("{} does not chain to the zone root or is unreadable ({}); a new certificate will be requested",
                    CERT_FILE, e.getMessage());
            return null;
        }
    }

    private ZoneMaterial.Leaf issue(X509Certificate root, String name) throws SyncException {
        KeyPair keys = KeyType.EC_P256.generate();
        String csr = Pem.encode(csr(name, keys));
        SignCSRResponse r = pki.signCsr(csr, lifetime);
        List<X509Certificate> certs;
        try {
            certs = r.getChain().isBlank() ? List.of(Pem.certificate(r.getCertificate()))
                    : Pem.certificateChain(r.getChain());
        } catch (PemException e) {
            throw new SyncException(FailureKind.PKI, "the PKI answered SignCSR with unreadable PEM: " + e.getMessage());
        }
        List<X509Certificate> chain;
        try {
            chain = chainTo(certs, root);
        } catch (GeneralSecurityException e) {
            throw new SyncException(FailureKind.PKI, "the certificate the PKI issued does not chain to the zone root: "
                    + e.getMessage());
        }
        X509Certificate leaf = chain.get(0);
        if (!Arrays.equals(leaf.getPublicKey().getEncoded(), keys.getPublic().getEncoded())) {
            throw new SyncException(FailureKind.PKI, "the PKI issued a certificate for another key");
        }
        if (clock.instant().isAfter(leaf.getNotAfter().toInstant())) {
            throw new SyncException(FailureKind.PKI, "the PKI issued a certificate that already expired at "
                    + leaf.getNotAfter().toInstant());
        }
        String certPem = Pem.encode(chain.subList(0, chain.size() - 1));
        // a generated key's own encoding depends on the JCE provider that made it (Apache MINA, for ssh://
        // remotes, registers Bouncy Castle): key.pem gets the canonical form, the same one a later run
        // re-encodes from what it reads back, so the file is written once
        String keyPem = CanonicalKey.pem(keys.getPrivate());
        ZoneMaterial.Leaf issued = new ZoneMaterial.Leaf(certPem, keyPem, keys.getPrivate(), chain);
        cached = new CachedLeaf(certPem, keyPem, Fingerprint.of(root), issued);
        LOG.info("certificate: issued {} serial {} valid until {}", leaf.getSubjectX500Principal().getName(),
                leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant());
        return issued;
    }

    static PKCS10CertificationRequest csr(String name, KeyPair keys) throws SyncException {
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
            ExtensionsGenerator ext = new ExtensionsGenerator();
            GeneralName san = isIpLiteral(name)
                    ? new GeneralName(GeneralName.iPAddress, name)
                    : new GeneralName(GeneralName.dNSName, name);
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(new JcaContentSignerBuilder(KeyType.EC_P256.signatureAlgorithm()).build(keys.getPrivate()));
        } catch (IOException | OperatorCreationException | IllegalArgumentException e) {
            throw new SyncException(FailureKind.PKI, "cannot build a certificate request for '" + name + "': "
                    + e.getMessage(), e);
        }
    }

    /** An IPv4 or IPv6 literal, checked without any name lookup. */
    static boolean isIpLiteral(String s) {
        if (!IPV4.matcher(s).matches() && !IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            // only literals reach here: the JDK parses them without a DNS lookup
            java.net.InetAddress.getByName(s);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The given certificates (leaf first) ordered into a verified chain ending at the root. */
    static List<X509Certificate> chainTo(List<X509Certificate> certs, X509Certificate root) throws GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        for (X509Certificate c : certs) {
            if (sameCertificate(c, root)) {
                break;
            }
            chain.add(c);
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate below the root");
        }
        chain.add(root);
        for (int i = 0; i < chain.size() - 1; i++) {
            X509Certificate child = chain.get(i);
            X509Certificate parent = chain.get(i + 1);
            if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
                throw new GeneralSecurityException(child.getSubjectX500Principal() + " is issued by "
                        + child.getIssuerX500Principal() + ", not " + parent.getSubjectX500Principal());
            }
            child.verify(parent.getPublicKey());
        }
        return chain;
    }

    private static boolean keyFits(PrivateKey key, PublicKey pub) throws GeneralSecurityException {
        String alg;
        try {
            alg = KeyType.of(pub).signatureAlgorithm();
        } catch (dev.trustcontracts.core.crypto.WeakKeyException e) {
            throw new GeneralSecurityException(e.getMessage());
        }
        byte[] probe = "trustctl key check".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        s.update(probe);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(pub);
        v.update(probe);
        return v.verify(sig);
    }

    private static X509Certificate checkRoot(GetCAResponse r) throws SyncException {
        X509Certificate root;
        try {
            root = Pem.certificate(r.getCertificate());
        } catch (PemException e) {
            throw new SyncException(FailureKind.PKI, "GetCA returned an unreadable certificate: " + e.getMessage());
        }
        boolean[] ku = root.getKeyUsage();
        if (root.getBasicConstraints() < 0 || ku == null || !ku[5]) {
            throw new SyncException(FailureKind.PKI, "GetCA returned a certificate that is not a CA");
        }
        String hash = Fingerprint.of(root);
        if (!r.getHash().isEmpty() && !r.getHash().equals(hash)) {
            throw new SyncException(FailureKind.PKI, "GetCA's hash " + r.getHash()
                    + " does not match its certificate (" + hash + ")");
        }
        return root;
    }

    static String commonName(X509Certificate c) {
        X500Name n = X500Name.getInstance(c.getSubjectX500Principal().getEncoded());
        var rdns = n.getRDNs(BCStyle.CN);
        return rdns.length == 0 ? "" : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    private static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            return false;
        }
    }

    private static String readOrNull(Path p) throws SyncException {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SyncException(FailureKind.WRITE, "cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
