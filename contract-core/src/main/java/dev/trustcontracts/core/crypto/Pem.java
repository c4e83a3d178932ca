package dev.trustcontracts.core.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM in and out, through Bouncy Castle's parser and writer. */
public final class Pem {
    private static final JcaX509CertificateConverter CERTS = new JcaX509CertificateConverter();
    private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final Set<String> CSR_LABELS = Set.of("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");
    /** Far more than any real chain; bounds the work one text causes. */
    private static final int MAX_BLOCKS = 16;

    private Pem() {
    }

    /**
     * Every certificate in a local file an operator provides (a TLS chain, a CA file), in order. Text
     * outside the blocks (openssl's "Bag Attributes", comments) is tolerated here; any block other than
     * CERTIFICATE is an error. Certificate text that arrives from others (contracts, signature chains,
     * PKI answers) goes through {@link #certificate} or {@link #certificateChain} instead.
     */
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

    /**
     * Exactly one certificate: one PEM CERTIFICATE block with nothing but whitespace around it, no
     * headers, and no bytes after the certificate's DER. Parsers disagree about everything else (Bouncy
     * Castle stops at a malformed line, OpenSSL reads on), so whatever is not exactly one block is refused
     * rather than guessed at: a root hidden after the first block must never reach anyone.
     */
    public static X509Certificate certificate(String pem) {
        List<PemObject> blocks = strictBlocks(pem, Set.of(CERTIFICATE));
        if (blocks.size() != 1) {
            throw new PemException(blocks.size() + " PEM blocks where exactly one CERTIFICATE block belongs");
        }
        return toCertificate(blocks.get(0));
    }

    /**
     * A chain in one text (a PKI's SignCSR answer, the agent's cert.pem): one or more CERTIFICATE blocks
     * with nothing but whitespace before, between and after them; each block as strict as {@link #certificate}.
     */
    public static List<X509Certificate> certificateChain(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        for (PemObject o : strictBlocks(pem, Set.of(CERTIFICATE))) {
            out.add(toCertificate(o));
        }
        return out;
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

    /**
     * A PKCS#10 certificate signing request: exactly one CERTIFICATE REQUEST block (or the older NEW
     * CERTIFICATE REQUEST label keytool writes), only whitespace around it, no bytes after its DER.
     */
    public static PKCS10CertificationRequest csr(String pem) {
        List<PemObject> blocks = strictBlocks(pem, CSR_LABELS);
        if (blocks.size() != 1) {
            throw new PemException(blocks.size() + " PEM blocks where exactly one CERTIFICATE REQUEST block belongs");
        }
        byte[] der = blocks.get(0).getContent();
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(der);
            if (!Arrays.equals(csr.getEncoded(), der)) {
                throw new PemException("the CERTIFICATE REQUEST block holds bytes beyond the request");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof PemException pe) {
                throw pe;
            }
            throw new PemException("unreadable certificate request: " + plain(e), e);
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

    /**
     * The PEM blocks of a text that holds nothing else: Bouncy Castle's PemReader decodes the blocks, then
     * the text must equal their canonical encoding up to whitespace. That one comparison refuses text
     * before, between or after the blocks, junk on the BEGIN/END lines, headers, and a malformed block
     * the reader stopped at, without a hand-written PEM grammar.
     */
    private static List<PemObject> strictBlocks(String text, Set<String> labels) {
        if (text == null || text.isBlank()) {
            throw new PemException("empty PEM text");
        }
        String label = labels.size() == 1 ? labels.iterator().next() : String.join(" or ", new TreeSet<>(labels));
        String squeezed = squeeze(text);
        if (!squeezed.startsWith("-----BEGIN")) {
            throw new PemException("text before the PEM block; only whitespace may surround a " + label + " block");
        }
        List<PemObject> out = new ArrayList<>();
        StringBuilder canonical = new StringBuilder();
        try (PemReader r = new PemReader(new StringReader(text))) {
            PemObject o;
            while ((o = r.readPemObject()) != null) {
                if (!labels.contains(o.getType())) {
                    String type = o.getType().length() > 40 ? o.getType().substring(0, 40) + "..." : o.getType();
                    throw new PemException("a " + type + " block where a " + label + " block belongs");
                }
                if (!o.getHeaders().isEmpty()) {
                    throw new PemException("PEM headers in a " + label + " block");
                }
                if (out.size() == MAX_BLOCKS) {
                    throw new PemException("more than " + MAX_BLOCKS + " PEM blocks");
                }
                out.add(o);
                canonical.append(squeeze(write(o)));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof PemException pe) {
                throw pe;
            }
            throw new PemException("malformed PEM: " + plain(e), e);
        }
        if (out.isEmpty()) {
            throw new PemException("no complete " + label + " block found");
        }
        String c = canonical.toString();
        if (!squeezed.equals(c)) {
            if (squeezed.startsWith(c)) {
                String rest = squeezed.substring(c.length());
                throw new PemException(rest.contains("-----BEGIN")
                        ? "a malformed PEM block follows the " + label + " block; only whitespace may follow it"
                        : "text after the " + label + " block; only whitespace may follow it");
            }
            throw new PemException("text inside or between PEM blocks; a " + label
                    + " block holds only base64 between its BEGIN and END lines");
        }
        return out;
    }

    private static X509Certificate toCertificate(PemObject o) {
        byte[] der = o.getContent();
        X509Certificate cert;
        try {
            cert = CERTS.getCertificate(new X509CertificateHolder(der));
            if (!Arrays.equals(cert.getEncoded(), der)) {
                throw new PemException("the CERTIFICATE block holds bytes beyond the certificate");
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            if (e instanceof PemException pe) {
                throw pe;
            }
            throw new PemException("unreadable certificate: " + plain(e), e);
        }
        return cert;
    }

    private static String write(PemObject o) {
        StringWriter sw = new StringWriter();
        try (PemWriter w = new PemWriter(sw)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    /** The text without the whitespace PEM allows around and inside blocks. */
    private static String squeeze(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') {
                sb.append(ch);
            }
        }
        return sb.toString();
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
