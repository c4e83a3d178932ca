package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.pki.IssuanceException.Reason;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Reads a PEM certificate signing request: checks its self-signature (proof that the requester holds
 * the key) and takes out the CN, the key and the requested SANs. Other requested extensions are ignored:
 * the CA sets key usage, extended key usage and basic constraints itself.
 */
public final class CsrReader {
    /** More names than any workload needs; bounds the work one request causes. */
    public static final int MAX_NAMES = 100;
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private CsrReader() {
    }

    public static CertificateRequest read(String pem) throws IssuanceException {
        PKCS10CertificationRequest csr;
        try {
            csr = Pem.csr(pem);
        } catch (PemException e) {
            throw new IssuanceException(Reason.INVALID, "unreadable CSR: " + e.getMessage());
        }
        verifySelfSignature(csr);
        PublicKey key;
        try {
            key = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
        } catch (Exception e) {
            throw new IssuanceException(Reason.INVALID, "unsupported public key in the CSR: " + plain(e.getMessage()));
        }
        return new CertificateRequest(commonName(csr), key, subjectAltNames(csr));
    }

    private static void verifySelfSignature(PKCS10CertificationRequest csr) throws IssuanceException {
        boolean valid;
        try {
            ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().setProvider(BC)
                    .build(csr.getSubjectPublicKeyInfo());
            valid = csr.isSignatureValid(verifier);
        } catch (Exception e) {
            throw new IssuanceException(Reason.INVALID, "the CSR's signature cannot be checked: " + plain(e.getMessage()));
        }
        if (!valid) {
            throw new IssuanceException(Reason.INVALID,
                    "the CSR's self-signature does not verify with its own public key");
        }
    }

    private static String commonName(PKCS10CertificationRequest csr) throws IssuanceException {
        ASN1Encodable value;
        try {
            RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
            if (cns.length == 0) {
                return "";
            }
            if (cns.length > 1 || cns[0].isMultiValued()) {
                throw new IssuanceException(Reason.INVALID, "the CSR's subject has more than one CN");
            }
            value = cns[0].getFirst().getValue();
        } catch (IllegalArgumentException e) {
            // Bouncy Castle reads the subject's parts lazily; a part that is not an attribute fails here
            // (a fuzzing finding, docs/FUZZING.md)
            throw new IssuanceException(Reason.INVALID, "the CSR's subject is not a well-formed name");
        }
        if (!(value instanceof ASN1String s)) {
            throw new IssuanceException(Reason.INVALID, "the CSR's CN is not a string");
        }
        try {
            return s.getString();
        } catch (IllegalArgumentException e) {
            // a UTF8String whose bytes are not UTF-8 (a fuzzing finding, docs/FUZZING.md)
            throw new IssuanceException(Reason.INVALID, "the CSR's CN is not a valid string: " + e.getMessage());
        }
    }

    private static List<GeneralName> subjectAltNames(PKCS10CertificationRequest csr) throws IssuanceException {
        List<GeneralName> out = new ArrayList<>();
        try {
            for (Attribute attr : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
                for (ASN1Encodable value : attr.getAttrValues()) {
                    GeneralNames names = GeneralNames.fromExtensions(Extensions.getInstance(value),
                            Extension.subjectAlternativeName);
                    if (names != null) {
                        out.addAll(List.of(names.getNames()));
                    }
                }
            }
        } catch (RuntimeException e) {
            throw new IssuanceException(Reason.INVALID, "malformed extension request in the CSR: " + plain(e.getMessage()));
        }
        if (out.size() > MAX_NAMES) {
            throw new IssuanceException(Reason.INVALID, "the CSR asks for " + out.size()
                    + " names; at most " + MAX_NAMES + " are signed");
        }
        return out;
    }

    /**
     * Bouncy Castle's reason without the Java class names it chains into its messages (a fuzzing finding,
     * docs/FUZZING.md): "can't convert extension: java.io.IOException: X" becomes "can't convert extension: X".
     */
    private static String plain(String message) {
        String m = message == null ? "" : message
                .replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ?", "")
                .replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*", "data")
                .strip();
        return m.isEmpty() ? "unreadable data" : m;
    }
}
