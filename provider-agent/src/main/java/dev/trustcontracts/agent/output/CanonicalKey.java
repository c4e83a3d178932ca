package dev.trustcontracts.agent.output;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * The one PKCS#8 encoding of a private key that key.pem holds, whichever JCE provider made or parsed the key.
 * A key's own {@code getEncoded()} is not that: the JDK's EC keys leave out the curve and public key inside
 * the PKCS#8 body while Bouncy Castle's put them in, and which provider answers depends on whether something
 * (Apache MINA SSH, for ssh:// remotes) registered Bouncy Castle in this JVM. So the key is decoded to its
 * bare parameters with Bouncy Castle's lightweight API (no JCE provider involved) and encoded again from
 * them: the same key always gives the same bytes, and a key.pem already in this form is never rewritten.
 */
public final class CanonicalKey {
    private CanonicalKey() {
    }

    /** The canonical DER PKCS#8 PrivateKeyInfo of {@code key}. */
    public static byte[] der(PrivateKey key) {
        try {
            return info(key).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The canonical PKCS#8 "PRIVATE KEY" PEM text of {@code key}, as key.pem holds it. */
    public static String pem(PrivateKey key) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(new PKCS8Generator(info(key), null).generate());
        } catch (PemGenerationException e) {
            throw new IllegalStateException("cannot encode the private key: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    private static PrivateKeyInfo info(PrivateKey key) {
        try {
            return PrivateKeyInfoFactory.createPrivateKeyInfo(PrivateKeyFactory.createKey(key.getEncoded()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot encode the private key (" + key.getAlgorithm() + "): "
                    + e.getMessage(), e);
        }
    }
}
