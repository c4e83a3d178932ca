package dev.trustcontracts.core.testing;

import dev.trustcontracts.core.contract.ContractDraft;
import dev.trustcontracts.core.contract.ContractSigner;
import dev.trustcontracts.core.contract.SigningException;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.proto.v1.Contract;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * A test zone: a real root CA and an admin's contract-signing certificate under it. For contract-core's
 * own tests, and pki's through contract-core's test-jar: the modules above pki use the same fixture from the
 * {@code testing} module ({@code dev.trustcontracts.testing.TestZone}), which cannot serve these two since it
 * depends on them.
 */
public final class TestZone {
    public static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    public final String name;
    public final KeyPair rootKeys;
    public final X509Certificate root;
    public final KeyPair signerKeys;
    public final X509Certificate signer;

    private TestZone(String name, KeyPair rootKeys, X509Certificate root, KeyPair signerKeys, X509Certificate signer) {
        this.name = name;
        this.rootKeys = rootKeys;
        this.root = root;
        this.signerKeys = signerKeys;
        this.signer = signer;
    }

    public static TestZone create(String name) {
        return create(name, KeyType.EC_P256);
    }

    public static TestZone create(String name, KeyType type) {
        KeyPair rootKeys = type.generate();
        X509Certificate root = CertificateIssuer.selfSignedRoot(new X500Name("CN=" + name + " test root,O=" + name),
                rootKeys, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3650)));
        KeyPair signerKeys = type.generate();
        X509Certificate signer = CertificateIssuer.issue(root, rootKeys.getPrivate(),
                new X500Name("CN=admin@" + name), signerKeys.getPublic(), CertificateProfile.CONTRACT_SIGNER,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(730)), List.of());
        return new TestZone(name, rootKeys, root, signerKeys, signer);
    }

    public ContractDraft.Zone zone() {
        return new ContractDraft.Zone(name, root, "");
    }

    /** The signer's chain as a signature carries it. */
    public List<X509Certificate> chain() {
        return List.of(signer, root);
    }

    public Contract sign(Contract c) {
        try {
            return ContractSigner.sign(c, signerKeys.getPrivate(), chain(), NOW);
        } catch (SigningException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned contract between the zones, valid from yesterday for a year. */
    public static Contract draft(String name, TestZone... zones) {
        List<ContractDraft.Zone> list = new ArrayList<>();
        for (TestZone z : zones) {
            list.add(z.zone());
        }
        return ContractDraft.create(name, list, NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
    }

    /** A contract signed by every zone. */
    public static Contract signed(String name, TestZone... zones) {
        Contract c = draft(name, zones);
        for (TestZone z : zones) {
            c = z.sign(c);
        }
        return c;
    }
}
