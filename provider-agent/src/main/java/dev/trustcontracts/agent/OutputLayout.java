package dev.trustcontracts.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file the agent writes into its output directory, by name, in one place: the agent, the demo, the
 * tests and the operator guide (docs/provider-agent.md §3) all take the names from here.
 *
 * @param dir the output directory ({@code --out})
 */
public record OutputLayout(Path dir) {
    /** The zone's own root CAs: the established one, and during a root rotation the next one after it. */
    public static final String CA = "ca.pem";
    /** The agent's certificate: leaf, then intermediates (never the root). */
    public static final String CERT = "cert.pem";
    /** Its private key (0600). */
    public static final String KEY = "key.pem";
    /** The trust bundle: the own roots (as in {@link #CA}), then every root of every contracted zone. */
    public static final String CHAIN = "chain.pem";
    /** PKCS#12: the key with its chain (0600). */
    public static final String KEYSTORE = "keystore.p12";
    /** PKCS#12: the roots of {@link #CHAIN} as trusted entries. */
    public static final String TRUSTSTORE = "truststore.p12";
    /** The PKCS#12 password when no --keystore-password-file is given (0600). */
    public static final String KEYSTORE_PASSWORD = "keystore.pass";
    /** The state file: applied commit, replay memory, pending --on-change. */
    public static final String STATE = "agent-state.json";
    /** With --spiffe-trust-domain-suffix: the directory of the SPIFFE bundles (docs/provider-agent.md, SPIFFE bundles). */
    public static final String SPIFFE_DIR = "spiffe";
    /** One SPIFFE bundle (JWK set) per trust domain; the name stands for {@code spiffe/<trust-domain>.json}. */
    public static final String SPIFFE_DOMAIN = SPIFFE_DIR + "/<trust-domain>.json";
    /** The SPIFFE bundle map: every trust domain's bundle in one file. */
    public static final String SPIFFE_BUNDLE_MAP = SPIFFE_DIR + "/bundles.json";
    /** The default --work-dir, inside the output directory. */
    public static final String WORK_DIR = ".trustctl-agent";
    /** The local clone, inside the work directory. */
    public static final String MIRROR = "mirror.git";

    /** Every file the agent writes, in the order of the operator guide's table. */
    public static final List<String> FILES = List.of(CA, CERT, KEY, CHAIN, KEYSTORE, TRUSTSTORE, KEYSTORE_PASSWORD,
            STATE, SPIFFE_DOMAIN, SPIFFE_BUNDLE_MAP);

    /** The SPIFFE bundle file of a trust domain, relative to the output directory. */
    public static String spiffeDomain(String trustDomain) {
        return SPIFFE_DIR + "/" + trustDomain + ".json";
    }

    public Path ca() {
        return dir.resolve(CA);
    }

    public Path cert() {
        return dir.resolve(CERT);
    }

    public Path key() {
        return dir.resolve(KEY);
    }

    public Path chain() {
        return dir.resolve(CHAIN);
    }

    public Path keystore() {
        return dir.resolve(KEYSTORE);
    }

    public Path truststore() {
        return dir.resolve(TRUSTSTORE);
    }

    public Path keystorePassword() {
        return dir.resolve(KEYSTORE_PASSWORD);
    }

    public Path state() {
        return dir.resolve(STATE);
    }

    public Path spiffeDir() {
        return dir.resolve(SPIFFE_DIR);
    }

    public Path workDir() {
        return dir.resolve(WORK_DIR);
    }

    /** The file's bytes, or null when it does not exist; any other failure to read is a WRITE failure. */
    byte[] readIfPresent(String name) throws SyncException {
        Path p = dir.resolve(name);
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SyncException(FailureKind.WRITE, "cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** The file as text (each byte one character, so any bytes survive), or null when it does not exist. */
    public String readTextIfPresent(String name) throws SyncException {
        byte[] b = readIfPresent(name);
        return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
    }
}
