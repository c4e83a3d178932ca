package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.CertificateProfile;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.Participant;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every per-file validity rule: the valid case passes, each broken case names its rule and participant. */
class ContractRulesTest {
    static final String PATH = "contracts/alice-bob.yaml";
    static final Instant NOW = TestZone.NOW;
    static TestZone alice;
    static TestZone bob;
    static final ContractVerifier VERIFIER = new ContractVerifier();

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        bob = TestZone.create("bob");
    }

    static List<Problem> problems(Contract c) {
        return problems(PATH, c, NOW);
    }

    static List<Problem> problems(String path, Contract c, Instant at) {
        return VERIFIER.problems(path, ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8), at);
    }

    /** Edits the body, then has every zone whose root is still in it sign the edited body. */
    static Contract resigned(UnaryOperator<ContractBody.Builder> edit) {
        return resigned(edit, NOW);
    }

    /** As {@link #resigned(UnaryOperator)}, with every signature made at {@code signedAt}. */
    static Contract resigned(UnaryOperator<ContractBody.Builder> edit, Instant signedAt) {
        Contract draft = TestZone.draft("alice-bob", alice, bob);
        Contract c = Contract.newBuilder().setBody(edit.apply(draft.getBody().toBuilder())).build();
        for (TestZone z : List.of(alice, bob)) {
            try {
                c = ContractSigner.sign(c, z.signerKeys.getPrivate(), z.chain(), signedAt);
            } catch (SigningException e) {
                // the edit removed this zone's root: it cannot sign, which the test expects
            }
        }
        return c;
    }

    static Participant.Builder withRoot(Participant.Builder p, X509Certificate root) {
        return p.setCertificate(Pem.encode(root)).setHash(dev.trustcontracts.core.crypto.Fingerprint.of(root));
    }

    static Timestamp ts(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
    }

    @Test
    void fullySignedContractIsValid() {
        assertThat(problems(TestZone.signed("alice-bob", alice, bob))).isEmpty();
    }

    @Test
    void everyKeyTypeSignsAndVerifies() {
        for (KeyType a : KeyType.values()) {
            for (KeyType b : List.of(KeyType.EC_P256, KeyType.ED25519)) {
                TestZone za = TestZone.create("alice", a);
                TestZone zb = TestZone.create("bob", b);
                assertThat(problems(TestZone.signed("alice-bob", za, zb))).as(a + " with " + b).isEmpty();
            }
        }
    }

    @Test
    void fileNameMustMatchName() {
        List<Problem> p = problems("contracts/other.yaml", TestZone.signed("alice-bob", alice, bob), NOW);
        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.NAME);
            assertThat(x.toString()).contains("contracts/other.yaml").contains("does not match the file name 'other'");
        });
    }

    @Test
    void nameMustBeALabel() {
        Contract c = resigned(b -> b.setName("Alice_Bob"));
        assertThat(rules(problems("contracts/Alice_Bob.yaml", c, NOW))).contains(Rule.NAME);
    }

    @Test
    void idMustBe128HexBits() {
        assertThat(problems(resigned(b -> b.setId("1234")))).singleElement()
                .satisfies(x -> assertThat(x.rule()).isEqualTo(Rule.ID));
        assertThat(problems(resigned(b -> b.clearId()))).extracting(Problem::message).contains("id is missing");
    }

    @Test
    void needsTwoParticipants() {
        Contract draft = TestZone.draft("alice-bob", alice, bob);
        Contract c = alice.sign(Contract.newBuilder().setBody(draft.getBody().toBuilder().removeParticipants(1)).build());
        assertThat(rules(problems(c))).containsExactly(Rule.PARTICIPANTS);
    }

    @Test
    void participantNamesAreDistinctLabels() {
        Contract dup = resigned(b -> b.setParticipants(1, b.getParticipants(1).toBuilder().setName("alice")));
        assertThat(problems(dup)).anySatisfy(x -> {
            assertThat(x.rule()).isEqualTo(Rule.PARTICIPANT_NAME);
            assertThat(x.participant()).isEqualTo("alice");
        });
        Contract bad = resigned(b -> b.setParticipants(1, b.getParticipants(1).toBuilder().setName("Bob!")));
        assertThat(rules(problems(bad))).contains(Rule.PARTICIPANT_NAME);
    }

    @Test
    void rootsMustBeDistinct() {
        Contract c = resigned(b -> b.setParticipants(1, withRoot(b.getParticipants(1).toBuilder(), alice.root)));
        assertThat(problems(c)).anySatisfy(x -> {
            assertThat(x.rule()).isEqualTo(Rule.DUPLICATE_ROOT);
            assertThat(x.participant()).isEqualTo("bob");
        });
    }

    @Test
    void certificateMustBeReadablePem() {
        Contract c = resigned(b -> b.setParticipants(1, b.getParticipants(1).toBuilder()
                .setCertificate("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")));
        assertThat(problems(c)).anySatisfy(x -> {
            assertThat(x.rule()).isEqualTo(Rule.CERTIFICATE);
            assertThat(x.participant()).isEqualTo("bob");
        });
    }

    @Test
    void aRootHiddenAfterTheCertificateIsRefused() {
        // issue 9, item 4: junk and a third zone's root after alice's real root, signed by both zones
        X509Certificate carol = TestZone.create("carol").root;
        Contract c = resigned(b -> b.setParticipants(0, b.getParticipants(0).toBuilder()
                .setCertificate(Pem.encode(alice.root) + "-----BEGIN X-----x\n" + Pem.encode(carol))));
        assertThat(problems(c)).anySatisfy(x -> {
            assertThat(x.rule()).isEqualTo(Rule.CERTIFICATE);
            assertThat(x.participant()).isEqualTo("alice");
            assertThat(x.toString()).contains("[certificate] participant alice: certificate: a malformed PEM block");
        });
        // and a plain second block is refused the same way
        Contract two = resigned(b -> b.setParticipants(1, b.getParticipants(1).toBuilder()
                .setCertificate(Pem.encode(bob.root) + Pem.encode(carol))));
        assertThat(problems(two)).anySatisfy(x -> {
            assertThat(x.rule()).isEqualTo(Rule.CERTIFICATE);
            assertThat(x.participant()).isEqualTo("bob");
            assertThat(x.message()).contains("2 PEM blocks where exactly one CERTIFICATE block belongs");
        });
    }

    @Test
    void aSignerChainEntryIsExactlyOneCertificate() throws Exception {
        // a chain entry with two blocks, signed over as it stands: refused, naming the entry
        Contract draft = TestZone.draft("alice-bob", alice, bob);
        Timestamp at = ts(NOW);
        String alg = KeyType.EC_P256.signatureAlgorithm();
        List<String> chain = List.of(Pem.encode(alice.signer) + Pem.encode(alice.root));
        byte[] value = dev.trustcontracts.core.crypto.Signatures.sign(alg, alice.signerKeys.getPrivate(),
                SigningPayloads.bytes(draft.getBody(), "alice", alg, at, chain));
        Contract c = bob.sign(draft.toBuilder().addSignatures(dev.trustcontracts.proto.v1.Signature.newBuilder()
                .setParticipant("alice").addAllCertificateChain(chain).setAlgorithm(alg)
                .setValue(ByteString.copyFrom(value)).setSignedAt(at)).build());
        assertThat(problems(c)).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.SIGNER_CHAIN);
            assertThat(x.participant()).isEqualTo("alice");
            assertThat(x.message()).startsWith("certificate_chain[0]: 2 PEM blocks");
        });
    }

    @Test
    void theWindowIsAtMostTheMaximum() {
        Contract c = resigned(b -> b.setNotAfter(ts(NOW.minus(Duration.ofDays(1)).plus(Duration.ofDays(401)))));
        assertThat(problems(c)).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.WINDOW_TOO_LONG);
            assertThat(x.toString()).contains("[window-too-long]").contains("spans 401 days; at most 400 days");
        });
        Contract exact = resigned(b -> b.setNotAfter(ts(NOW.minus(Duration.ofDays(1)).plus(Duration.ofDays(400)))));
        assertThat(problems(exact)).isEmpty();
        // configurable: a shorter maximum refuses the default one-year draft, a longer one accepts 401 days
        byte[] yaml = ContractCodec.toYaml(TestZone.signed("alice-bob", alice, bob)).getBytes(StandardCharsets.UTF_8);
        assertThat(rules(new ContractVerifier(Duration.ofDays(90)).problems(PATH, yaml, NOW)))
                .containsExactly(Rule.WINDOW_TOO_LONG);
        assertThat(new ContractVerifier(Duration.ofDays(500))
                .problems(PATH, ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8), NOW)).isEmpty();
    }

    @Test
    void signedAtLiesInsideTheWindow() {
        Contract before = resigned(b -> b, NOW.minus(Duration.ofDays(2)));
        assertThat(problems(before)).extracting(Problem::rule, Problem::participant)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Rule.SIGNED_AT, "alice"),
                        org.assertj.core.groups.Tuple.tuple(Rule.SIGNED_AT, "bob"));
        assertThat(problems(before).get(0).message()).contains("lies outside the window");
        // a signer's clock a few minutes behind the drafter's is tolerated
        Instant nb = NOW.minus(Duration.ofDays(1));
        assertThat(problems(resigned(b -> b, nb.minus(Duration.ofMinutes(4))))).isEmpty();
        assertThat(rules(problems(resigned(b -> b, nb.minus(Duration.ofMinutes(6))))))
                .containsExactly(Rule.SIGNED_AT, Rule.SIGNED_AT);
        Contract after = resigned(b -> b.setNotAfter(ts(NOW.minus(Duration.ofHours(1)))), NOW);
        assertThat(rules(problems(PATH, after, NOW.minus(Duration.ofHours(2))))).containsOnly(Rule.SIGNED_AT);
    }

    @Test
    void signedAtIsNotInTheFuture() {
        Contract c = resigned(b -> b, NOW.plus(Duration.ofHours(1)));
        assertThat(problems(PATH, c, NOW)).hasSize(2).allSatisfy(x -> {
            assertThat(x.rule()).isEqualTo(Rule.SIGNED_AT);
            assertThat(x.message()).contains("lies in the future");
        });
        // within the clock skew it is fine, and the same file is valid once the time has come
        assertThat(problems(PATH, c, NOW.plus(Duration.ofMinutes(56)))).isEmpty();
        assertThat(problems(PATH, c, NOW.plus(Duration.ofHours(2)))).isEmpty();
    }

    @Test
    void theEffectiveExpiryIsTheEarliestEnd() throws Exception {
        // alice signs with a certificate that ends in 30 days, before the contract's not_after
        KeyPair k = KeyType.EC_P256.generate();
        X509Certificate shortSigner = CertificateIssuer.issue(alice.root, alice.rootKeys.getPrivate(),
                new X500Name("CN=short@alice"), k.getPublic(), CertificateProfile.CONTRACT_SIGNER,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), List.of());
        Contract c = bob.sign(ContractSigner.sign(TestZone.draft("alice-bob", alice, bob), k.getPrivate(),
                List.of(shortSigner, alice.root), NOW));
        Verification v = VERIFIER.verify(PATH, ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8));
        assertThat(v.effectiveExpiry()).contains(shortSigner.getNotAfter().toInstant());
        assertThat(v.verifiedAt(NOW).orElseThrow().effectiveExpiry()).isEqualTo(shortSigner.getNotAfter().toInstant());
        assertThat(v.validAt(shortSigner.getNotAfter().toInstant().plusSeconds(1))).isFalse();
        // without it: the contract's own not_after, the earliest of the rest
        Verification plain = VERIFIER.verify(PATH, ContractCodec.toYaml(TestZone.signed("alice-bob", alice, bob))
                .getBytes(StandardCharsets.UTF_8));
        assertThat(plain.effectiveExpiry()).contains(NOW.minus(Duration.ofDays(1)).plus(Duration.ofDays(365)));
    }

    @Test
    void declaredHashMustMatch() {
        Contract c = resigned(b -> b.setParticipants(1, b.getParticipants(1).toBuilder().setHash("0".repeat(64))));
        assertThat(problems(c)).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.HASH_MISMATCH);
            assertThat(x.participant()).isEqualTo("bob");
            assertThat(x.message()).contains("0000000000");
        });
    }

    @Test
    void participantMustBeACa() {
        KeyPair leafKeys = KeyType.EC_P256.generate();
        X509Certificate leaf = CertificateIssuer.issue(bob.root, bob.rootKeys.getPrivate(), new X500Name("CN=svc.bob"),
                leafKeys.getPublic(), CertificateProfile.TLS, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)), List.of());
        Contract c = resigned(b -> b.setParticipants(1, withRoot(b.getParticipants(1).toBuilder(), leaf)));
        assertThat(problems(c)).anySatisfy(x -> {
            assertThat(x.rule()).isEqualTo(Rule.NOT_CA);
            assertThat(x.participant()).isEqualTo("bob");
            assertThat(x.message()).contains("is not a CA");
        });
    }

    @Test
    void caWithoutKeyCertSignIsRefused() throws Exception {
        KeyPair k = KeyType.EC_P256.generate();
        X500Name n = new X500Name("CN=odd ca");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(n, BigInteger.TEN, Date.from(NOW.minusSeconds(60)),
                Date.from(NOW.plus(Duration.ofDays(30))), n, k.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        X509Certificate odd = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate())));
        Contract c = resigned(x -> x.setParticipants(1, withRoot(x.getParticipants(1).toBuilder(), odd)));
        assertThat(problems(c)).anySatisfy(x -> assertThat(x.message()).contains("lacks the keyCertSign"));
    }

    @Test
    void weakRootKeyIsRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        KeyPair k = g.generateKeyPair();
        X500Name n = new X500Name("CN=weak");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(n, BigInteger.TWO, Date.from(NOW.minusSeconds(60)),
                Date.from(NOW.plus(Duration.ofDays(30))), n, k.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        X509Certificate weak = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(k.getPrivate())));
        Contract c = resigned(x -> x.setParticipants(1, withRoot(x.getParticipants(1).toBuilder(), weak)));
        assertThat(problems(c)).anySatisfy(x -> {
            assertThat(x.rule()).isEqualTo(Rule.WEAK_KEY);
            assertThat(x.message()).contains("1024 bits");
        });
    }

    @Test
    void rootMustBeCurrentlyValid() {
        Contract c = TestZone.signed("alice-bob", alice, bob);
        Instant afterRoots = NOW.plus(Duration.ofDays(3651));
        assertThat(problems(PATH, c, afterRoots)).extracting(Problem::rule)
                .contains(Rule.CERTIFICATE_VALIDITY, Rule.EXPIRED, Rule.SIGNER_VALIDITY);
    }

    @Test
    void windowIsRequiredAndOrdered() {
        assertThat(rules(problems(resigned(b -> b.clearNotAfter())))).containsExactly(Rule.WINDOW);
        assertThat(rules(problems(resigned(b -> b.setNotAfter(b.getNotBefore()))))).containsExactly(Rule.WINDOW);
    }

    @Test
    void contractWindowIsJudgedAtTheGivenInstant() {
        Contract c = resigned(b -> b.setNotBefore(ts(NOW.plus(Duration.ofDays(2))))
                .setNotAfter(ts(NOW.plus(Duration.ofDays(4)))), NOW.plus(Duration.ofDays(2)));
        assertThat(rules(problems(PATH, c, NOW))).containsExactly(Rule.NOT_YET_VALID, Rule.SIGNED_AT, Rule.SIGNED_AT);
        assertThat(problems(PATH, c, NOW.plus(Duration.ofDays(3)))).isEmpty();
        assertThat(rules(problems(PATH, c, NOW.plus(Duration.ofDays(5))))).containsExactly(Rule.EXPIRED);
    }

    @Test
    void everyParticipantMustSign() {
        Contract c = alice.sign(TestZone.draft("alice-bob", alice, bob));
        assertThat(problems(c)).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.SIGNATURE_MISSING);
            assertThat(x.participant()).isEqualTo("bob");
        });
        assertThat(rules(problems(TestZone.draft("alice-bob", alice, bob))))
                .containsExactly(Rule.SIGNATURE_MISSING, Rule.SIGNATURE_MISSING);
    }

    @Test
    void changingTheBodyAfterSigningBreaksEverySignature() {
        Contract c = TestZone.signed("alice-bob", alice, bob);
        Contract tampered = c.toBuilder().setBody(c.getBody().toBuilder()
                .setNotAfter(ts(NOW.plus(Duration.ofDays(300))))).build();
        assertThat(problems(tampered)).extracting(Problem::rule, Problem::participant)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Rule.SIGNATURE_INVALID, "alice"),
                        org.assertj.core.groups.Tuple.tuple(Rule.SIGNATURE_INVALID, "bob"));
    }

    @Test
    void signatureCopiedFromAnotherContractFails() {
        Contract one = TestZone.signed("alice-bob", alice, bob);
        Contract two = TestZone.signed("alice-bob", alice, bob); // same zones, new id
        Contract mixed = two.toBuilder().setSignatures(1, one.getSignatures(1)).build();
        assertThat(problems(mixed)).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.SIGNATURE_INVALID);
            assertThat(x.participant()).isEqualTo("bob");
        });
    }

    @Test
    void signatureMovedToAnotherParticipantFails() {
        Contract c = TestZone.signed("alice-bob", alice, bob);
        Contract moved = c.toBuilder()
                .setSignatures(1, c.getSignatures(0).toBuilder().setParticipant("bob")).build();
        assertThat(rules(problems(moved))).contains(Rule.SIGNATURE_INVALID);
    }

    @Test
    void algorithmMustMatchTheKey() {
        Contract c = TestZone.signed("alice-bob", alice, bob);
        Contract wrong = c.toBuilder().setSignatures(0, c.getSignatures(0).toBuilder().setAlgorithm("SHA256withRSA")).build();
        assertThat(problems(wrong)).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.SIGNATURE_INVALID);
            assertThat(x.message()).contains("does not match the signer's ec-p256 key");
        });
    }

    @Test
    void garbageSignatureValueIsInvalidNotAnError() {
        Contract c = TestZone.signed("alice-bob", alice, bob);
        Contract wrong = c.toBuilder().setSignatures(0, c.getSignatures(0).toBuilder()
                .setValue(ByteString.copyFromUtf8("garbage"))).build();
        assertThat(rules(problems(wrong))).containsExactly(Rule.SIGNATURE_INVALID);
    }

    @Test
    void strangersAndDoubleSignaturesAreRefused() {
        Contract c = TestZone.signed("alice-bob", alice, bob);
        Contract stranger = c.toBuilder().addSignatures(c.getSignatures(0).toBuilder().setParticipant("mallory")).build();
        assertThat(problems(stranger)).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.SIGNATURE_UNEXPECTED);
            assertThat(x.message()).contains("'mallory'");
        });
        Contract twice = c.toBuilder().addSignatures(c.getSignatures(0)).build();
        assertThat(rules(problems(twice))).containsExactly(Rule.SIGNATURE_UNEXPECTED);
    }

    @Test
    void aZoneCannotSignForAnother() throws Exception {
        Contract draft = TestZone.draft("alice-bob", alice, bob);
        Contract c = alice.sign(draft);
        // mallory signs "as bob" with alice's admin key and chain: the chain leads to alice's root, not bob's
        Contract forged = c.toBuilder().addSignatures(forgeFor("bob", draft, alice)).build();
        assertThat(problems(forged)).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.SIGNER_CHAIN);
            assertThat(x.participant()).isEqualTo("bob");
        });
    }

    @Test
    void aTlsCertificateCannotSignContracts() throws Exception {
        KeyPair k = KeyType.EC_P256.generate();
        X509Certificate tls = CertificateIssuer.issue(bob.root, bob.rootKeys.getPrivate(), new X500Name("CN=svc.bob"),
                k.getPublic(), CertificateProfile.TLS, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(2)), List.of());
        Contract c = ContractSigner.sign(alice.sign(TestZone.draft("alice-bob", alice, bob)), k.getPrivate(),
                List.of(tls, bob.root), NOW);
        assertThat(problems(c)).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.SIGNER_CHAIN);
            assertThat(x.message()).contains("lacks the contract-signing extended key usage");
        });
    }

    @Test
    void theRootKeyItselfMaySign() throws Exception {
        Contract c = ContractSigner.sign(alice.sign(TestZone.draft("alice-bob", alice, bob)),
                bob.rootKeys.getPrivate(), List.of(bob.root), NOW);
        assertThat(problems(c)).isEmpty();
    }

    @Test
    void signerCertificateMustBeCurrentlyValid() throws Exception {
        KeyPair k = KeyType.EC_P256.generate();
        X509Certificate shortLived = CertificateIssuer.issue(bob.root, bob.rootKeys.getPrivate(),
                new X500Name("CN=admin@bob"), k.getPublic(), CertificateProfile.CONTRACT_SIGNER,
                NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)), List.of());
        Contract c = ContractSigner.sign(alice.sign(TestZone.draft("alice-bob", alice, bob)), k.getPrivate(),
                List.of(shortLived), NOW);
        assertThat(problems(PATH, c, NOW)).isEmpty();
        assertThat(problems(PATH, c, NOW.plus(Duration.ofDays(2)))).singleElement().satisfies(x -> {
            assertThat(x.rule()).isEqualTo(Rule.SIGNER_VALIDITY);
            assertThat(x.participant()).isEqualTo("bob");
        });
    }

    @Test
    void resigningReplacesOnlyThatParticipantsSignature() throws Exception {
        Contract c = TestZone.signed("alice-bob", alice, bob);
        Contract again = ContractSigner.sign(c, bob.signerKeys.getPrivate(), bob.chain(), NOW.plusSeconds(5));
        assertThat(again.getSignaturesCount()).isEqualTo(2);
        assertThat(again.getSignatures(0)).isEqualTo(c.getSignatures(0));
        assertThat(again.getSignatures(1).getSignedAt().getSeconds()).isEqualTo(NOW.getEpochSecond() + 5);
        assertThat(problems(again)).isEmpty();
    }

    @Test
    void signingWithAChainOfNoParticipantIsRefused() {
        TestZone carol = TestZone.create("carol");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> carol.sign(TestZone.draft("alice-bob", alice, bob)))
                .hasRootCauseInstanceOf(SigningException.class)
                .hasMessageContaining("does not chain to any participant's root");
    }

    @Test
    void signingWithAKeyThatIsNotTheCertificatesIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ContractSigner.sign(
                        TestZone.draft("alice-bob", alice, bob), bob.signerKeys.getPrivate(), alice.chain(), NOW))
                .isInstanceOf(SigningException.class)
                .hasMessageContaining("does not belong to the signer certificate");
    }

    @Test
    void allProblemsAreReportedNotOnlyTheFirst() {
        Contract c = resigned(b -> b.setId("x").setParticipants(1, b.getParticipants(1).toBuilder().setHash("y")))
                .toBuilder().removeSignatures(1).build();
        assertThat(rules(problems(c))).contains(Rule.ID, Rule.HASH_MISMATCH, Rule.SIGNATURE_MISSING);
    }

    static List<Rule> rules(List<Problem> ps) {
        return ps.stream().map(Problem::rule).toList();
    }

    /** A signature claiming to be {@code participant}'s, made with another zone's admin key. */
    static dev.trustcontracts.proto.v1.Signature forgeFor(String participant, Contract c, TestZone by) throws Exception {
        Timestamp at = ts(NOW);
        String alg = KeyType.EC_P256.signatureAlgorithm();
        byte[] value = dev.trustcontracts.core.crypto.Signatures.sign(alg, by.signerKeys.getPrivate(),
                SigningPayloads.bytes(c.getBody(), participant, alg, at, List.of(Pem.encode(by.signer))));
        return dev.trustcontracts.proto.v1.Signature.newBuilder().setParticipant(participant)
                .addCertificateChain(Pem.encode(by.signer)).setAlgorithm(alg)
                .setValue(ByteString.copyFrom(value)).setSignedAt(at).build();
    }
}
