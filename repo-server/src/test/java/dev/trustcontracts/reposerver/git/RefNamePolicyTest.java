package dev.trustcontracts.reposerver.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ref names a push may write, including those C git would not even send (a crafted client can). */
class RefNamePolicyTest {
    @ParameterizedTest
    @ValueSource(strings = {"refs/heads/main", "refs/heads/proposals/alice-bob", "refs/heads/propose-alice-bob",
            "refs/heads/scratch", "refs/heads/a/b/c", "refs/heads/v1.2_x"})
    void allowed(String ref) {
        assertThat(RefNamePolicy.refusal(ref)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"refs/heads/MAIN", "refs/heads/mAin", "refs/heads/main/x", "refs/heads/HEAD",
            "refs/heads/head", "refs/heads/-x", "refs/heads/a..b", "refs/heads/x.lock", "refs/heads/x.",
            "refs/heads/a//b", "refs/heads/", "refs/heads/a/", "refs/heads/.x", "refs/heads/a\u0000b",
            "refs/heads/a\nb", "refs/heads/a\u001b[31m", "refs/heads/caf\u00e9", "refs/heads/a b",
            "refs/tags/v1", "refs/notes/commits", "HEAD", "refs/heads/main.lock", "refs/for/main"})
    void refused(String ref) {
        assertThat(RefNamePolicy.refusal(ref)).isPresent();
    }

    @org.junit.jupiter.api.Test
    void overLongNamesAreRefusedAndNeverEchoedWhole() {
        String ref = "refs/heads/" + "x".repeat(RefNamePolicy.MAX_LENGTH + 1);
        assertThat(RefNamePolicy.refusal(ref)).hasValueSatisfying(m -> assertThat(m).contains("longer than"));
        assertThat(RefNamePolicy.refusal("refs/tags/" + "y".repeat(5000)).orElseThrow().length()).isLessThan(300);
    }

    @org.junit.jupiter.api.Test
    void controlCharactersAreEscapedInTheMessage() {
        String m = RefNamePolicy.refusal("refs/heads/a\u001b[31mred\nremote: fake").orElseThrow();
        assertThat(m).doesNotContain("\u001b").doesNotContain("\n").contains("\\u001b").contains("\\u000a");
    }
}
