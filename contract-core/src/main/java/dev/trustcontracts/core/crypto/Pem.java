package dev.trustcontracts.core.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** PEM in and out, through Bouncy Castle's parser and writer. */
public final class Pem {
    private static final JcaX509CertificateConverter CERTS = new JcaX509CertificateConverter();
    private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();

    private Pem() {
    }

    /** Every certificate in the text, in order; anything else in the text is an error. */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        for (Object o : objects(pem)) {
            if (!(o instanceof X509CertificateHolder h)) {
                throw new PemException("expected CERTIFICATE blocks, found " + describe(o));
            }
            try {
                out.add(CERTS.getCertificate(h));
            } catch (CertificateException e) {
                throw new PemException("unreadable certificate: " + plain(e), e);
            }
        }
        if (out.isEmpty()) {
            throw new PemException("no PEM CERTIFICATE block found");
        }
        return out;
    }

    /** Exactly one certificate. */
    public static X509Certificate certificate(String pem) {
        List<X509Certificate> certs = certificates(pem);
        if (certs.size() != 1) {
            throw new PemException("expected one certificate, found " + certs.size());
        }
        return certs.get(0);
    }

    /** An unencrypted private key: PKCS#8, or the traditional EC or RSA forms openssl writes. */
    public static PrivateKey privateKey(String pem) {
        List<Object> objs = objects(pem);
        if (objs.size() != 1) {
            throw new PemException("expected one private key block, found " + objs.size() + " PEM blocks");
        }
        Object o = objs.get(0);
        try {
            if (o instanceof PrivateKeyInfo info) {
                return KEYS.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return KEYS.getKeyPair(pair).getPrivate();
            }
        } catch (IOException e) {
            throw new PemException("unreadable private key: " + plain(e), e);
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
            throw new PemException("the private key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN)");
        }
        throw new PemException("expected a PRIVATE KEY block, found " + describe(o));
    }

    /** A PKCS#10 certificate signing request. */
    public static PKCS10CertificationRequest csr(String pem) {
        List<Object> objs = objects(pem);
        if (objs.size() != 1 || !(objs.get(0) instanceof PKCS10CertificationRequest csr)) {
            throw new PemException("expected one CERTIFICATE REQUEST block");
        }
        return csr;
    }

    public static String encode(X509Certificate cert) {
        return write(cert);
    }

    public static String encode(List<X509Certificate> certs) {
        StringBuilder sb = new StringBuilder();
        certs.forEach(c -> sb.append(write(c)));
        return sb.toString();
    }

    public static String encode(PKCS10CertificationRequest csr) {
        return write(csr);
    }

    /** PKCS#8 "PRIVATE KEY", the form openssl and most proxies read. */
    public static String encode(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode private key", e);
        }
    }

    private static String write(Object o) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    private static List<Object> objects(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new PemException("empty PEM text");
        }
        List<Object> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = p.readObject()) != null) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new PemException("malformed PEM: " + plain(e), e);
        }
        if (out.isEmpty()) {
            throw new PemException("no PEM block found");
        }
        return out;
    }

    private static String describe(Object o) {
        return o.getClass().getSimpleName();
    }

    /** The parser's reason without Java class names, which mean nothing to an operator. */
    static String plain(Throwable e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        int nl = m.indexOf('\n');
        m = (nl < 0 ? m : m.substring(0, nl))
                .replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ?", "")
                .replaceAll(": (?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*$", "")
                .trim();
        if (m.contains("problem parsing cert")) {
            return "the certificate is not valid DER (corrupted base64 or truncated)";
        }
        return m.isEmpty() ? "unreadable data" : m;
    }
}
