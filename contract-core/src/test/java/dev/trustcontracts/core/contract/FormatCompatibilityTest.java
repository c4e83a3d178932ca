package dev.trustcontracts.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.testing.FuzzSeeds;
import dev.trustcontracts.proto.v1.Contract;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The first change of the file format (a participant's optional next root) leaves every earlier file as it
 * was: files signed before it, committed with their exact bytes, still parse, verify and re-encode to the
 * same bytes, so the payload each signature covers is unchanged.
 */
class FormatCompatibilityTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // signed before next roots existed (commit 805ab74); pinned so that a regeneration is noticed
            "alice-bob.yaml, 1aa31c29c63e45ef1dbc36cd27b7f2c19518b11263b1f68121e5b703a034adba",
            "alice-bob.pb, 5c0636d915028ac2193def5010c3aac43707e9b7f6eed1abcfac5b1cf1c280db",
            "carol-dave.yaml, 502c8ffe40fb26bdf9b92854d435da79ca489c58f8b4f0be7fb076f461914f8b",
            "carol-dave.pb, 32bacdf26451cb5a5a21db908663a561b875f1a781776c84949ed64694d17948"})
    void aFileSignedBeforeTheChangeVerifiesAndReEncodesByteForByte(String file, String sha256) throws Exception {
        byte[] bytes = FuzzSeeds.resource(file);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).isEqualTo(sha256);
        ContractFormat format = ContractFormat.forFileName(file).orElseThrow();
        Contract c = ContractCodec.parse(bytes, format);
        assertThat(c.getBody().getParticipantsList()).noneMatch(p -> p.hasNext());
        assertThat(ContractCodec.serialize(c, format)).isEqualTo(bytes);
        Verification v = new ContractVerifier().verify("contracts/" + file, bytes);
        assertThat(v.problemsAt(FuzzSeeds.at())).isEmpty();
        assertThat(v.validAt(FuzzSeeds.at())).isTrue();
    }

    /** The committed seed with a next root (alice signs with each of her roots) verifies in both forms. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"rotation.yaml", "rotation.pb"})
    void aCommittedFileWithANextRootVerifies(String file) throws Exception {
        byte[] bytes = FuzzSeeds.resource(file);
        Contract c = ContractCodec.parse(bytes, ContractFormat.forFileName(file).orElseThrow());
        assertThat(c.getBody().getParticipants(0).hasNext()).isTrue();
        assertThat(new ContractVerifier().verify("contracts/" + file, bytes).problemsAt(FuzzSeeds.at())).isEmpty();
    }
}
