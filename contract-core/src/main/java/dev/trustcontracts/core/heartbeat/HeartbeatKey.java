package dev.trustcontracts.core.heartbeat;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyMatch;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.core.files.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * A heartbeat key and its self-signed certificate (the file agents pin with {@code --heartbeat-cert}).
 * Files: {@value #KEY_FILE} (PKCS#8 PEM, created 0600) and {@value #CERT_FILE}.
 */
public record HeartbeatKey(PrivateKey key, X509Certificate certificate) {
    public static final String KEY_FILE = "heartbeat.key";
    public static final String CERT_FILE = "heartbeat.pem";

    /** A new key of {@code type} and a certificate valid from {@code now} for {@code validity}. */
    public static HeartbeatKey generate(KeyType type, String commonName, Instant now, Duration validity) {
        KeyPair pair = type.generate();
        X509Certificate cert = CertificateIssuer.selfSigned(new X500Name("CN=" + commonName), pair,
                CertificateProfile.HEARTBEAT_SIGNER, now, now.plus(validity));
        return new HeartbeatKey(pair.getPrivate(), cert);
    }

    /** Writes both files into {@code dir}, never over existing ones; the key is 0600 from its creation. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.createNew(dir.resolve(KEY_FILE), Pem.encode(key).getBytes(StandardCharsets.US_ASCII),
                AtomicFiles.PRIVATE);
        AtomicFiles.createNew(dir.resolve(CERT_FILE), Pem.encode(certificate).getBytes(StandardCharsets.US_ASCII),
                AtomicFiles.PUBLIC);
    }

    /**
     * Reads a key and its certificate. A key file its group or others can read is refused, as is a key that
     * does not fit the certificate.
     *
     * @throws IOException with one line naming the file and the problem
     */
    public static HeartbeatKey load(Path keyFile, Path certFile) throws IOException {
        if (SecretFiles.readableByOthers(keyFile)) {
            throw new IOException("heartbeat key " + keyFile + " is readable by its group or by everyone; chmod 600 it");
        }
        PrivateKey key;
        X509Certificate cert;
        try {
            key = Pem.privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            throw new IOException("heartbeat key " + keyFile + ": " + e.getMessage(), e);
        }
        cert = certificate(certFile);
        if (!KeyMatch.fits(key, cert)) {
            throw new IOException("heartbeat key " + keyFile + " does not belong to the certificate " + certFile);
        }
        return new HeartbeatKey(key, cert);
    }

    /** The certificate an agent pins (one PEM block), with one line naming the file when it is not one. */
    public static X509Certificate certificate(Path certFile) throws IOException {
        try {
            X509Certificate cert = Pem.certificate(Files.readString(certFile, StandardCharsets.US_ASCII));
            new HeartbeatVerifier(cert);
            return cert;
        } catch (RuntimeException e) {
            throw new IOException("heartbeat certificate " + certFile + ": " + e.getMessage(), e);
        }
    }

    public HeartbeatSigner signer() {
        return new HeartbeatSigner(key, certificate);
    }
}
