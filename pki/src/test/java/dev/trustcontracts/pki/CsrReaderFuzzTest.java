package dev.trustcontracts.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trustcontracts.core.crypto.KeyType;
import dev.trustcontracts.core.crypto.Pem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Coverage-guided fuzzing of CSR handling (docs/FUZZING.md), the PKI's input from any workload.
 *
 * <p>{@link #pem}: any text as a CSR. A mutated request almost never keeps a valid self-signature, so
 * {@link #signed} goes past it: the input is a subject and an attribute set (DER), signed here with a
 * real key, so the CN and SAN extraction behind the signature check see attacker-chosen content.
 *
 * <p>Invariants: {@link CsrReader#read} returns or throws {@link IssuanceException} (INVALID, one line);
 * nothing else escapes, and what it returns holds at most {@link CsrReader#MAX_NAMES} names.
 */
class CsrReaderFuzzTest {
    private static final KeyPair KEYS = KeyType.EC_P256.generate();

    @FuzzTest(maxDuration = "30s")
    void pem(byte[] input) {
        check(new String(input, StandardCharsets.UTF_8));
    }

    /** Input: two bytes of subject length, the subject's DER, then the attribute set's DER. */
    @FuzzTest(maxDuration = "30s")
    void signed(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        int split = Math.min(input.length - 2, ((input[0] & 0xff) << 8) | (input[1] & 0xff));
        CertificationRequestInfo info;
        try {
            X500Name subject = X500Name.getInstance(ASN1Primitive.fromByteArray(Arrays.copyOfRange(input, 2, 2 + split)));
            ASN1Set attributes = ASN1Set.getInstance(
                    ASN1Primitive.fromByteArray(Arrays.copyOfRange(input, 2 + split, input.length)));
            info = new CertificationRequestInfo(subject, SubjectPublicKeyInfo.getInstance(KEYS.getPublic().getEncoded()),
                    attributes);
        } catch (IOException | RuntimeException e) {
            return; // not DER of the right shape: Bouncy Castle cannot build this request
        }
        check(Pem.encode(sign(info)));
    }

    /** Finding: a self-signed CSR whose CN is a UTF8String of bad bytes escaped as IllegalArgumentException. */
    @Test
    void cnThatIsNotUtf8IsRefusedAsInvalid() throws Exception {
        ASN1Encodable badUtf8 = ASN1Primitive.fromByteArray(new byte[] {0x0c, 0x01, (byte) 0x8e});
        X500Name subject = new X500Name(new RDN[] {new RDN(BCStyle.CN, badUtf8)});
        String pem = Pem.encode(sign(subject, new DERSet()));
        assertThatThrownBy(() -> CsrReader.read(pem)).isInstanceOfSatisfying(IssuanceException.class, e -> {
            assertThat(e.reason()).isEqualTo(IssuanceException.Reason.INVALID);
            assertThat(e.getMessage()).isEqualTo("the CSR's CN is not a valid string: Invalid UTF-8 input");
        });
    }

    /** Finding: a subject whose RDN holds a tagged object, not an attribute, escaped as IllegalArgumentException. */
    @Test
    void subjectThatIsNotANameIsRefusedAsInvalid() throws Exception {
        // SEQUENCE { SET { [0] { OID 2.5.4.3 } } }: an RDN whose member is a tagged object
        X500Name subject = X500Name.getInstance(ASN1Primitive.fromByteArray(
                new byte[] {0x30, 0x09, 0x31, 0x07, (byte) 0xa0, 0x05, 0x06, 0x03, 0x55, 0x04, 0x03}));
        String pem = Pem.encode(sign(subject, new DERSet()));
        assertThatThrownBy(() -> CsrReader.read(pem)).isInstanceOfSatisfying(IssuanceException.class, e -> {
            assertThat(e.reason()).isEqualTo(IssuanceException.Reason.INVALID);
            assertThat(e.getMessage()).isEqualTo("the CSR's subject is not a well-formed name");
        });
    }

    private static PKCS10CertificationRequest sign(X500Name subject, ASN1Set attributes) throws Exception {
        return sign(new CertificationRequestInfo(subject, SubjectPublicKeyInfo.getInstance(KEYS.getPublic().getEncoded()),
                attributes));
    }

    private static PKCS10CertificationRequest sign(CertificationRequestInfo info) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(KEYS.getPrivate());
        signer.getOutputStream().write(info.getEncoded("DER"));
        return new PKCS10CertificationRequest(new CertificationRequest(info, signer.getAlgorithmIdentifier(),
                new DERBitString(signer.getSignature())));
    }

    private static void check(String pem) {
        try {
            CertificateRequest r = CsrReader.read(pem);
            assertThat(r.subjectAltNames()).hasSizeLessThanOrEqualTo(CsrReader.MAX_NAMES);
            assertThat(r.publicKey()).isNotNull();
        } catch (IssuanceException e) {
            assertThat(e.reason()).isEqualTo(IssuanceException.Reason.INVALID);
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").doesNotContain("org.bouncycastle")
                    .doesNotContain("java.");
        }
    }

    /** Writes the {@link #signed} seeds from real requests: {@code -Dfuzz.writeSeeds=true}. */
    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true",
            disabledReason = "writes fuzz seed files only when -Dfuzz.writeSeeds=true is given")
    void writeSignedSeeds() throws IOException {
        Path dir = Path.of("src/test/resources", "dev/trustcontracts/pki/CsrReaderFuzzTestInputs/signed");
        Files.createDirectories(dir);
        int n = 0;
        for (String csr : new String[] {
                Csrs.csr(KEYS, "workload.alice.example", Csrs.dns("workload.alice.example"), Csrs.ip("127.0.0.1"),
                        Csrs.uri("spiffe://alice.example/w"), Csrs.email("ops@alice.example")),
                Csrs.csr(KEYS, null)}) {
            CertificationRequestInfo info = Pem.csr(csr).toASN1Structure().getCertificationRequestInfo();
            byte[] subject = info.getSubject().getEncoded("DER");
            byte[] attrs = info.getAttributes() == null ? new DERSet().getEncoded("DER") : info.getAttributes().getEncoded("DER");
            ByteBuffer b = ByteBuffer.allocate(2 + subject.length + attrs.length);
            b.putShort((short) subject.length).put(subject).put(attrs);
            Files.write(dir.resolve("seed-" + ++n + ".der"), b.array());
        }
        assertThat(dir.resolve("seed-1.der")).isNotEmptyFile();
    }
}
