package dev.trustcontracts.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustcontracts.core.net.IpLiteral;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The agent's own IP-literal check (CertificateKeeper.isIpLiteral, which decides between an iPAddress
 * and a dNSName SAN in its CSR) against the core home {@link IpLiteral}, row by row. It pins where the two
 * agree and where they differ, so that swapping the agent's copy for the core home is a visible change.
 */
class IpLiteralCopiesTest {
    @ParameterizedTest(name = "''{0}'': agent {1}, core {2}")
    @CsvSource({
            "127.0.0.1, true, true",
            "0.0.0.0, true, true",
            "255.255.255.255, true, true",
            "::1, true, true",
            "::, true, true",
            "fe80::1, true, true",
            "2001:DB8::1, true, true",
            "::ffff:1.2.3.4, true, true",
            "256.0.0.1, false, false",
            "1.2.3, false, false",
            "localhost, false, false",
            "agent.example, false, false",
            "10.0.0.0/8, false, false",
            "fe80::1%eth0, false, false",
            "[::1], false, false",
            "1:2:3:4:5:6:7:8:9, false, false"})
    void bothCopiesJudgeEachText(String text, boolean agent, boolean core) {
        assertThat(CertificateKeeper.isIpLiteral(text)).as("agent").isEqualTo(agent);
        assertThat(IpLiteral.parse(text).isPresent()).as("core").isEqualTo(core);
    }
}
