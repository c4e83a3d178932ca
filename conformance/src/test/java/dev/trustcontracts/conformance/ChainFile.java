package dev.trustcontracts.conformance;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.reposerver.testing.CGit;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reads an agent's chain.pem the way the proxy in front of the zone does: with OpenSSL, which keeps
 * reading past a malformed line where Bouncy Castle stops. A certificate smuggled after junk text is
 * therefore seen here, as nginx would see it.
 */
final class ChainFile {
    private ChainFile() {
    }

    static Set<String> fingerprints(Path pem) {
        try {
            if (!Files.exists(pem)) {
                return Set.of();
            }
            Process p = new ProcessBuilder("openssl", "crl2pkcs7", "-nocrl", "-certfile", pem.toString(), "-outform", "DER")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] pkcs7 = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl could not read " + pem);
            }
            Set<String> out = new LinkedHashSet<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pkcs7))) {
                out.add(Fingerprint.of((X509Certificate) c));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean opensslAvailable() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && CGit.available();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
