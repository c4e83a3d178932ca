package dev.trustcontracts.core.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds X.509 certificates with Bouncy Castle: self-signed roots and certificates issued under them. */
public final class CertificateIssuer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateIssuer() {
    }

    /** A self-signed root CA certificate for the key pair. */
    public static X509Certificate selfSignedRoot(X500Name subject, KeyPair keys, Instant notBefore, Instant notAfter) {
        return selfSignedRoot(subject, keys, notBefore, notAfter, randomSerial());
    }

    /** A self-signed root CA certificate with the given serial number. */
    public static X509Certificate selfSignedRoot(X500Name subject, KeyPair keys, Instant notBefore, Instant notAfter,
            BigInteger serial) {
        return build(subject, keys.getPublic(), subject, null, keys.getPrivate(),
                CertificateProfile.ROOT_CA, notBefore, notAfter, List.of(), serial);
    }

    /** A self-signed certificate that is no CA (for a heartbeat key: {@link CertificateProfile#HEARTBEAT_SIGNER}). */
    public static X509Certificate selfSigned(X500Name subject, KeyPair keys, CertificateProfile profile,
            Instant notBefore, Instant notAfter) {
        return build(subject, keys.getPublic(), subject, null, keys.getPrivate(), profile, notBefore, notAfter,
                List.of(), randomSerial());
    }

    /** A certificate for {@code subjectKey}, signed by the issuer's key. */
    public static X509Certificate issue(X509Certificate issuer, PrivateKey issuerKey, X500Name subject,
            PublicKey subjectKey, CertificateProfile profile, Instant notBefore, Instant notAfter,
            List<GeneralName> subjectAltNames) {
        return issue(issuer, issuerKey, subject, subjectKey, profile, notBefore, notAfter, subjectAltNames,
                randomSerial());
    }

    /**
     * As {@link #issue(X509Certificate, PrivateKey, X500Name, PublicKey, CertificateProfile, Instant, Instant, List)}
     * with a serial number chosen by the caller (a CA that keeps a record of its serials draws it itself).
     */
    public static X509Certificate issue(X509Certificate issuer, PrivateKey issuerKey, X500Name subject,
            PublicKey subjectKey, CertificateProfile profile, Instant notBefore, Instant notAfter,
            List<GeneralName> subjectAltNames, BigInteger serial) {
        return build(subject, subjectKey, X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                issuer, issuerKey, profile, notBefore, notAfter, subjectAltNames, serial);
    }

    /** A positive random serial of 127 bits: unique without coordination, inside RFC 5280's 20 octets. */
    public static BigInteger randomSerial() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[0] &= 0x7f;
        BigInteger serial = new BigInteger(1, b);
        return serial.signum() == 0 ? BigInteger.ONE : serial;
    }

    private static X509Certificate build(X500Name subject, PublicKey subjectKey, X500Name issuerName,
            X509Certificate issuerCert, PrivateKey signingKey, CertificateProfile profile,
            Instant notBefore, Instant notAfter, List<GeneralName> sans, BigInteger serial) {
        if (serial.signum() <= 0 || serial.bitLength() > 159) {
            throw new IllegalArgumentException("a serial number is positive and at most 20 octets");
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, serial,
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
            switch (profile) {
                case ROOT_CA -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    b.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                }
                case TLS -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    // keyEncipherment only for RSA: RFC 5480 and RFC 8410 forbid it for EC and Ed25519 keys
                    int usage = subjectKey.getAlgorithm().equals("RSA")
                            ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                }
                case CONTRACT_SIGNER -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            KeyPurposeId.getInstance(CertificateProfile.CONTRACT_SIGNING_EKU)));
                }
                case HEARTBEAT_SIGNER -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                }
                default -> throw new AssertionError(profile);
            }
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            String alg = KeyType.of(issuerCert == null ? subjectKey : issuerCert.getPublicKey()).signatureAlgorithm();
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(alg).build(signingKey)));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException | WeakKeyException e) {
            throw new IllegalStateException("cannot build certificate for " + subject + ": " + e.getMessage(), e);
        }
    }
}
