package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.testing.TestZone;
import dev.trustcontracts.proto.v1.GetCAResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which zone root the agent takes from a GetCA answer, by pin and stored ca.pem: each row one situation, the
 * attacks among them (a PKI answering mallory's root, a leaf, a lying hash, junk).
 */
class RootPinTest {
    static final TestZone ALICE = TestZone.create("alice");
    static final TestZone MALLORY = TestZone.create("mallory");
    static final Map<String, X509Certificate> ROOTS = Map.of("alice", ALICE.root, "mallory", MALLORY.root);

    @TempDir
    Path out;

    /** The answer a PKI gives: a root by name, a non-CA certificate, a wrong hash, or junk. */
    static GetCAResponse answer(String what) {
        return switch (what) {
            case "alice", "mallory" -> GetCAResponse.newBuilder().setCertificate(Pem.encode(ROOTS.get(what)))
                    .setHash(Fingerprint.of(ROOTS.get(what))).setZone(what).build();
            case "alice-no-hash" -> GetCAResponse.newBuilder().setCertificate(Pem.encode(ALICE.root)).build();
            case "alice-mallory-hash" -> GetCAResponse.newBuilder().setCertificate(Pem.encode(ALICE.root))
                    .setHash(Fingerprint.of(MALLORY.root)).build();
            case "leaf" -> GetCAResponse.newBuilder().setCertificate(Pem.encode(ALICE.signer)).build();
            case "junk" -> GetCAResponse.newBuilder().setCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n").build();
            default -> throw new IllegalArgumentException(what);
        };
    }

    @ParameterizedTest(name = "pin {0}, stored {1}, PKI answers {2}: root {3}, problem {4}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
        // pin   | stored  | answer             | root taken | problem or refusal (beginning)
        "alice   | -       | alice              | alice      | -",
        "alice   | alice   | alice              | alice      | -",
        "alice   | -       | alice-no-hash      | alice      | -",
        "alice   | -       | mallory            | -          | the PKI's GetCA answer is the root sha256:",
        "alice   | alice   | mallory            | -          | the PKI's GetCA answer is the root sha256:",
        // a stored ca.pem that is not the pinned root is ignored: the pinned root replaces it
        "alice   | mallory | alice              | alice      | -",
        "-       | -       | mallory            | mallory    | -",
        // trust on first use: the stored root stays, a different one is refused until ca.pem is removed
        "-       | alice   | mallory            | alice      | the PKI now presents a different root (",
        "-       | alice   | alice              | alice      | -",
        "alice   | -       | leaf               | -          | GetCA returned a certificate that is not a CA",
        "-       | alice   | leaf               | -          | GetCA returned a certificate that is not a CA",
        "alice   | -       | alice-mallory-hash | -          | GetCA's hash ",
        "alice   | -       | junk               | -          | GetCA returned an unreadable certificate: ",
    })
    void decision(String pin, String stored, String answer, String root, String problem) throws Exception {
        if (stored != null) {
            Files.writeString(out.resolve(OutputLayout.CA), Pem.encode(ROOTS.get(stored)));
        }
        RootPin rootPin = new RootPin(pin == null ? null : new PkiPin(Fingerprint.of(ROOTS.get(pin)), null),
                new OutputLayout(out));
        rootPin.stored();
        if (root == null) {
            assertThatThrownBy(() -> rootPin.judge(answer(answer)))
                    .isInstanceOfSatisfying(SyncException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.PKI))
                    .hasMessageStartingWith(problem);
            return;
        }
        RootPin.Decision d = rootPin.judge(answer(answer));
        assertThat(d.roots().established()).isEqualTo(ROOTS.get(root));
        if (problem == null) {
            assertThat(d.problem()).isNull();
        } else {
            assertThat(d.problem()).startsWith(problem).contains(out.resolve(OutputLayout.CA).toString());
        }
    }

    @ParameterizedTest(name = "ca.pem {0} with pin {1}: stored root {2}")
    @CsvSource(nullValues = "-", value = {
        "-,       alice, -",
        "alice,   alice, alice",
        "alice,   -,     alice",
        "mallory, alice, -",
        "mallory, -,     mallory",
        "junk,    alice, -",
        "junk,    -,     -",
    })
    void storedRoot(String file, String pin, String expected) throws Exception {
        if (file != null) {
            Files.writeString(out.resolve(OutputLayout.CA), file.equals("junk") ? "junk" : Pem.encode(ROOTS.get(file)));
        }
        RootPin rootPin = new RootPin(pin == null ? null : new PkiPin(Fingerprint.of(ROOTS.get(pin)), null),
                new OutputLayout(out));
        assertThat(rootPin.stored()).isEqualTo(expected == null ? null : OwnRoots.of(ROOTS.get(expected)));
        // asked again: the same answer
        assertThat(rootPin.stored()).isEqualTo(expected == null ? null : OwnRoots.of(ROOTS.get(expected)));
    }
}
