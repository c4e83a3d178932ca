package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Certificate signing requests for tests, made with Bouncy Castle. */
final class Csrs {
    private Csrs() {
    }

    static GeneralName dns(String name) {
        return new GeneralName(GeneralName.dNSName, name);
    }

    static GeneralName ip(String address) {
        return new GeneralName(GeneralName.iPAddress, address);
    }

    static GeneralName uri(String uri) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
    }

    static GeneralName email(String address) {
        return new GeneralName(GeneralName.rfc822Name, address);
    }

    /** A CSR for {@code keys}, self-signed as it should be; {@code cn} null leaves the subject empty. */
    static String csr(KeyPair keys, String cn, GeneralName... sans) {
        return signedBy(keys, keys, cn, sans);
    }

    /** A CSR for {@code subject}'s public key, but signed with another key: its self-signature is bad. */
    static String signedBy(KeyPair subject, KeyPair signer, String cn, GeneralName... sans) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        if (cn != null) {
            name.addRDN(BCStyle.CN, cn);
        }
        X500Name x500 = name.build();
        PKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(x500, subject.getPublic());
        try {
            if (sans.length > 0) {
                b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, new Extensions(
                        new Extension(Extension.subjectAlternativeName, false, new GeneralNames(sans).getEncoded())));
            }
            String alg = switch (signer.getPrivate().getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                default -> "Ed25519";
            };
            return Pem.encode(b.build(new JcaContentSignerBuilder(alg).build(signer.getPrivate())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
