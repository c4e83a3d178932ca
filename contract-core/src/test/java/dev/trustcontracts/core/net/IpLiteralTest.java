package dev.trustcontracts.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IP literals as the PKI read them (its former IpLiterals, moved here unchanged): the accepted texts and
 * the address each means, and the refused ones. No row may cause a DNS lookup.
 */
class IpLiteralTest {
    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({
            "127.0.0.1, 127.0.0.1",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "10.1.2.3, 10.1.2.3",
            "::1, 0:0:0:0:0:0:0:1",
            "::, 0:0:0:0:0:0:0:0",
            "fe80::1, fe80:0:0:0:0:0:0:1",
            "2001:DB8::1, 2001:db8:0:0:0:0:0:1",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8:0:0:0:0:0:1",
            "::ffff:1.2.3.4, 1.2.3.4",
            "256.0.0.1, ",
            "1.2.3, ",
            "1.2.3.4.5, ",
            "localhost, ",
            "example.com, ",
            "'', ",
            "10.0.0.0/8, ",
            "::1/128, ",
            "fe80::1%eth0, ",
            "[::1], ",
            "' 127.0.0.1', ",
            "1:2:3:4:5:6:7:8:9, ",
            "::g, "})
    void parsesLiteralsOnly(String text, String address) {
        Optional<InetAddress> parsed = IpLiteral.parse(text);
        assertThat(parsed.map(InetAddress::getHostAddress)).isEqualTo(Optional.ofNullable(address));
    }

    @ParameterizedTest(name = "{0} octets")
    @CsvSource({"0, false", "3, false", "4, true", "5, false", "15, false", "16, true", "17, false"})
    void octetsOfAnIpAddressGeneralName(int length, boolean valid) {
        assertThat(IpLiteral.fromOctets(new byte[length]).isPresent()).isEqualTo(valid);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.NullSource
    void nullIsNoLiteral(String text) {
        assertThat(IpLiteral.parse(text)).isEmpty();
    }
}
