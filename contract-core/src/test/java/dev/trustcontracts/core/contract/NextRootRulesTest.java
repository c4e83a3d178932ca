package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.crypto.Fingerprint;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.testing.TestZone;
import dev.trustcontracts.proto.v1.Contract;
import dev.trustcontracts.proto.v1.ContractBody;
import dev.trustcontracts.proto.v1.Participant;
import dev.trustcontracts.proto.v1.Root;
import dev.trustcontracts.proto.v1.Signature;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A participant's next root during a rotation: checked by the same rules as its current root, and every
 * listed root must have signed. The attacks: a zone claiming another zone's root as its current root
 * with its own as next (or the other way round) and signing with its own root alone.
 */
class NextRootRulesTest {
    static final String PATH = "contracts/alice-bob.yaml";
    static final Instant NOW = TestZone.NOW;
    static final ContractVerifier VERIFIER = new ContractVerifier();
    /** alice's current root and signer. */
    static TestZone alice;
    /** alice's next root (same subject name, new key) and a signer under it. */
    static TestZone aliceNext;
    static TestZone bob;
    static TestZone mallory;

    @BeforeAll
    static void zones() {
        alice = TestZone.create("alice");
        aliceNext = TestZone.create("alice");
        bob = TestZone.create("bob");
        mallory = TestZone.create("mallory");
    }

    /** alice (current + next) and bob, unsigned. */
    static Contract draft() {
        return ContractDraft.create("alice-bob", List.of(
                new ContractDraft.Zone("alice", alice.root, "", aliceNext.root), bob.zone()),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
    }

    /** alice signs with both roots' signers, bob with his. */
    static Contract signed() {
        return bob.sign(aliceNext.sign(alice.sign(draft())));
    }

    static List<Problem> problems(Contract c) {
        return VERIFIER.problems(PATH, ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8), NOW);
    }

    static Contract sign(Contract c, TestZone z, List<X509Certificate> chain) {
        try {
            return ContractSigner.sign(c, z.signerKeys.getPrivate(), chain, NOW);
        } catch (SigningException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Edits alice's participant entry, then every zone whose root is still listed signs. */
    static Contract editedAlice(UnaryOperator<Participant.Builder> edit) {
        Contract d = draft();
        ContractBody.Builder b = d.getBody().toBuilder();
        b.setParticipants(0, edit.apply(b.getParticipants(0).toBuilder()));
        Contract c = Contract.newBuilder().setBody(b).build();
        for (TestZone z : List.of(alice, aliceNext, bob)) {
            try {
                c = ContractSigner.sign(c, z.signerKeys.getPrivate(), z.chain(), NOW);
            } catch (SigningException e) {
                // this zone's root is no longer listed
            }
        }
        return c;
    }

    static Root root(X509Certificate cert) {
        return Root.newBuilder().setCertificate(Pem.encode(cert)).setHash(Fingerprint.of(cert)).build();
    }

    @Test
    void aParticipantWithANextRootSignedWithBothRootsIsValid() {
        Contract c = signed();
        assertThat(c.getBody().getParticipants(0).getNext().getHash()).isEqualTo(Fingerprint.of(aliceNext.root));
        assertThat(c.getSignaturesList()).extracting(Signature::getParticipant).containsExactly("alice", "alice", "bob");
        assertThat(problems(c)).isEmpty();
        // the order of alice's two signatures does not matter
        assertThat(problems(bob.sign(alice.sign(aliceNext.sign(draft()))))).isEmpty();
    }

    @Test
    void aSignatureChainedToTheNextRootCountsForThatRoot() throws Exception {
        // made with the next root's key itself (the chain is the next root alone)
        Contract c = alice.sign(draft());
        c = ContractSigner.sign(c, aliceNext.rootKeys.getPrivate(), List.of(aliceNext.root), NOW);
        assertThat(problems(bob.sign(c))).isEmpty();
        // and with a contract signer under the next root, the root left out of the chain
        assertThat(problems(bob.sign(sign(alice.sign(draft()), aliceNext, List.of(aliceNext.signer))))).isEmpty();
    }

    @Test
    void eachListedRootMustSign() {
        assertThat(problems(bob.sign(alice.sign(draft())))).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo(Rule.SIGNATURE_MISSING);
            assertThat(p.toString()).contains("[signature-missing] participant alice: has not signed with its next root "
                    + "(sha256:" + Fingerprint.of(aliceNext.root) + ")");
        });
        assertThat(problems(bob.sign(aliceNext.sign(draft())))).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo(Rule.SIGNATURE_MISSING);
            assertThat(p.message()).startsWith("has not signed with its current root (sha256:" + Fingerprint.of(alice.root));
        });
        assertThat(problems(bob.sign(draft()))).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo(Rule.SIGNATURE_MISSING);
            assertThat(p.message()).isEqualTo("has not signed");
        });
    }

    @Test
    void aZoneCannotClaimAnotherZonesRootByListingItsOwnAsNext() {
        // mallory lists alice's real root as "alice"'s current root and her own as next, and signs with hers
        Contract d = ContractDraft.create("alice-bob", List.of(
                new ContractDraft.Zone("alice", alice.root, "", mallory.root), bob.zone()),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
        Contract forged = bob.sign(mallory.sign(d));
        assertThat(problems(forged)).extracting(Problem::rule).containsExactly(Rule.SIGNATURE_MISSING);
        assertThat(problems(forged).get(0).message()).contains("has not signed with its current root");
    }

    @Test
    void aZoneCannotPullAnotherZoneInByListingItsRootAsNext() {
        // mallory lists her own root as "bob"'s current root and bob's real root as next: bob's agents would
        // otherwise find their root in a contract bob never signed
        Contract d = ContractDraft.create("alice-bob", List.of(alice.zone(),
                new ContractDraft.Zone("bob", mallory.root, "", bob.root)),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
        Contract forged = alice.sign(mallory.sign(d));
        assertThat(problems(forged)).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo(Rule.SIGNATURE_MISSING);
            assertThat(p.participant()).isEqualTo("bob");
            assertThat(p.message()).contains("has not signed with its next root");
        });
    }

    static Stream<Arguments> brokenNextRoots() {
        X509Certificate other = TestZone.create("carol").root;
        return Stream.of(
                Arguments.of("next equal to current",
                        (UnaryOperator<Participant.Builder>) p -> p.setNext(root(alice.root)),
                        Rule.DUPLICATE_ROOT, "the next root is the same certificate as the current root"),
                Arguments.of("next equal to another participant's root",
                        (UnaryOperator<Participant.Builder>) p -> p.setNext(root(bob.root)),
                        Rule.DUPLICATE_ROOT, "the same root certificate as participant alice's next root"),
                Arguments.of("next fingerprint mismatch",
                        (UnaryOperator<Participant.Builder>) p -> p.setNext(root(aliceNext.root).toBuilder()
                                .setHash(Fingerprint.of(other))),
                        Rule.HASH_MISMATCH, "next.hash: declared hash " + Fingerprint.of(other)
                                + " does not match the next root's SHA-256 " + Fingerprint.of(aliceNext.root)),
                Arguments.of("next fingerprint missing",
                        (UnaryOperator<Participant.Builder>) p -> p.setNext(root(aliceNext.root).toBuilder().clearHash()),
                        Rule.HASH_MISMATCH, "next.hash: declared hash (missing)"),
                Arguments.of("next is not a CA",
                        (UnaryOperator<Participant.Builder>) p -> p.setNext(root(aliceNext.signer)),
                        Rule.NOT_CA, "next root certificate CN=admin@alice is not a CA"),
                Arguments.of("next is two PEM blocks",
                        (UnaryOperator<Participant.Builder>) p -> p.setNext(root(aliceNext.root).toBuilder()
                                .setCertificate(Pem.encode(aliceNext.root) + Pem.encode(other))),
                        Rule.CERTIFICATE, "next.certificate: 2 PEM blocks where exactly one CERTIFICATE block belongs"),
                Arguments.of("next present but empty",
                        (UnaryOperator<Participant.Builder>) p -> p.setNext(Root.getDefaultInstance()),
                        Rule.CERTIFICATE, "next.certificate: "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenNextRoots")
    void aBrokenNextRootIsRefusedWithItsOwnMessage(String name, UnaryOperator<Participant.Builder> edit, Rule rule,
            String message) {
        List<Problem> ps = problems(editedAlice(edit));
        assertThat(ps).as(ps.toString()).anySatisfy(p -> {
            assertThat(p.rule()).isEqualTo(rule);
            // a root listed twice is reported at its second place, bob's here
            assertThat(p.participant()).isEqualTo(message.contains("alice's next root") ? "bob" : "alice");
            assertThat(p.message()).startsWith(message);
        });
    }

    @Test
    void aNextRootEqualToAnEarlierParticipantsRootIsADuplicate() {
        Contract c = ContractDraft.create("alice-bob", List.of(alice.zone(),
                new ContractDraft.Zone("bob", bob.root, "", alice.root)),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
        assertThat(problems(c)).anySatisfy(p -> {
            assertThat(p.rule()).isEqualTo(Rule.DUPLICATE_ROOT);
            assertThat(p.participant()).isEqualTo("bob");
            assertThat(p.message()).isEqualTo("the next root is the same root certificate as participant alice");
        });
    }

    @Test
    void aNextRootOutsideItsValidityBoundsTheContract() throws Exception {
        Instant ends = NOW.plus(Duration.ofDays(30));
        X509Certificate shortNext = CertificateIssuer.selfSignedRoot(new X500Name("CN=alice next"), aliceNext.rootKeys,
                NOW.minus(Duration.ofDays(1)), ends);
        Contract d = ContractDraft.create("alice-bob", List.of(
                new ContractDraft.Zone("alice", alice.root, "", shortNext), bob.zone()),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(365));
        // signed for the next root with its key itself
        Contract c = bob.sign(alice.sign(d));
        c = ContractSigner.sign(c, aliceNext.rootKeys.getPrivate(), List.of(shortNext), NOW);
        Verification v = VERIFIER.verify(PATH, ContractCodec.toYaml(c).getBytes(StandardCharsets.UTF_8));
        assertThat(v.problemsAt(NOW)).isEmpty();
        assertThat(v.effectiveExpiry()).contains(ends);
        assertThat(v.problemsAt(ends.plusSeconds(1))).anySatisfy(p -> {
            assertThat(p.rule()).isEqualTo(Rule.CERTIFICATE_VALIDITY);
            assertThat(p.toString()).contains("participant alice: the next root certificate expired at " + ends);
        });
    }

    @Test
    void signaturesBeyondOneForEachRootAreRefused() {
        Contract c = signed();
        Contract third = c.toBuilder().addSignatures(c.getSignatures(0)).build();
        assertThat(problems(third)).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo(Rule.SIGNATURE_UNEXPECTED);
            assertThat(p.message()).isEqualTo("more than two signatures (one with each of its roots)");
        });
        // two signatures with the current root, none with the next
        Contract twice = bob.sign(alice.sign(draft()));
        twice = twice.toBuilder().addSignatures(twice.getSignatures(0)).build();
        assertThat(problems(twice)).extracting(Problem::rule)
                .containsExactly(Rule.SIGNATURE_UNEXPECTED, Rule.SIGNATURE_MISSING);
        assertThat(problems(twice).get(0).message()).startsWith("a second signature with its current root");
    }

    @Test
    void aSignerOfNeitherRootIsReportedAgainstBoth() throws Exception {
        // mallory signs as "alice" with her own contract signer: the signature verifies, the chain leads nowhere
        Contract c = bob.sign(alice.sign(draft()));
        String alg = "SHA256withECDSA";
        com.google.protobuf.Timestamp at = com.google.protobuf.Timestamp.newBuilder().setSeconds(NOW.getEpochSecond()).build();
        List<String> chain = List.of(Pem.encode(mallory.signer));
        byte[] value = dev.trustcontracts.core.crypto.Signatures.sign(alg, mallory.signerKeys.getPrivate(),
                SigningPayloads.bytes(c.getBody(), "alice", alg, at, chain));
        Contract forged = c.toBuilder().addSignatures(Signature.newBuilder().setParticipant("alice")
                .addAllCertificateChain(chain).setAlgorithm(alg).setSignedAt(at)
                .setValue(com.google.protobuf.ByteString.copyFrom(value))).build();
        List<Problem> ps = problems(forged);
        assertThat(ps).extracting(Problem::rule).containsExactly(Rule.SIGNER_CHAIN);
        assertThat(ps.get(0).message()).startsWith("current root: the signer certificate does not chain to the "
                + "participant's root").contains("; next root: the signer certificate does not chain");
    }

    @Test
    void resigningReplacesOnlyTheSignatureOfTheSameRoot() {
        Contract c = signed();
        Contract again = bob.sign(aliceNext.sign(alice.sign(c)));
        assertThat(again.getSignaturesCount()).isEqualTo(3);
        assertThat(problems(again)).isEmpty();
        // re-signing with the current root leaves the next root's signature in place
        assertThat(alice.sign(c).getSignatures(1)).isEqualTo(c.getSignatures(1));
    }

    @Test
    void aContractWithANextRootRoundTripsInBothForms() throws Exception {
        Contract c = signed();
        String yaml = ContractCodec.toYaml(c);
        assertThat(yaml).contains("    next:\n      certificate: |\n        -----BEGIN CERTIFICATE-----")
                .contains("      hash: " + Fingerprint.of(aliceNext.root) + "\n");
        for (ContractFormat f : ContractFormat.values()) {
            assertThat(ContractCodec.parse(ContractCodec.serialize(c, f), f)).isEqualTo(c);
        }
    }

    static Stream<Arguments> strictNextYaml() {
        return Stream.of(
                Arguments.of("    next:\n      certificate: x\n      hash: y\n      fingerprint: z\n",
                        "participants[0].next.fingerprint: unknown field 'fingerprint'"),
                Arguments.of("    next: x\n", "participants[0].next: expected a mapping"),
                Arguments.of("    next:\n      - certificate: x\n", "participants[0].next: expected a mapping"),
                Arguments.of("    next:\n", "participants[0].next: expected a mapping"),
                Arguments.of("    next:\n      certificate: 5\n      hash: y\n",
                        "participants[0].next.certificate: expected a string, found a number"),
                Arguments.of("    next:\n      hash: y\n      hash: y\n", "participants[0].next.hash: duplicate key 'hash'"),
                Arguments.of("    next: {certificate: \"\"}\n", "participants[0].next.certificate: empty value"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("strictNextYaml")
    void theNextFieldIsParsedStrictly(String next, String expected) {
        String yaml = "name: alice-bob\nparticipants:\n  - name: alice\n" + next + "  - name: bob\n";
        ContractFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ContractFormatException.class,
                () -> ContractCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), ContractFormat.YAML));
        assertThat(e.field() + ": " + e.getMessage()).isEqualTo(expected);
        assertThat(e.line()).isBetween(4, 7);
    }

    @Test
    void unknownFieldsUnderNextAreRefusedInTheBinaryFormToo() {
        Participant p = draft().getBody().getParticipants(0);
        Root withUnknown = p.getNext().toBuilder().setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                .addField(9, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();
        Contract c = draft().toBuilder().setBody(draft().getBody().toBuilder()
                .setParticipants(0, p.toBuilder().setNext(withUnknown))).build();
        ContractFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ContractFormatException.class,
                () -> ContractCodec.parse(c.toByteArray(), ContractFormat.PROTOBUF));
        assertThat(e.field()).isEqualTo("body.participants[0].next");
    }
}
