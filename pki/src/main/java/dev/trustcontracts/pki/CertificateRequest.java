package dev.trustcontracts.pki;

import java.security.PublicKey;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * What a PKCS#10 request asks for, read from a request whose self-signature verified. Nothing in it is
 * granted yet: the policy decides.
 *
 * @param commonName      the subject's CN, empty when the subject has none
 * @param publicKey       the key to certify
 * @param subjectAltNames the requested subject alternative names, as requested
 */
public record CertificateRequest(String commonName, PublicKey publicKey, List<GeneralName> subjectAltNames) {
    public CertificateRequest {
        commonName = commonName == null ? "" : commonName;
        subjectAltNames = List.copyOf(subjectAltNames);
    }
}
