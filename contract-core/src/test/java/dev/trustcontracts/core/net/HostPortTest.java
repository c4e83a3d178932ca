package dev.trustcontracts.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The forms the launcher's former ListenAddress accepted and refused, one row each, with their messages. */
class HostPortTest {
    @ParameterizedTest(name = "''{0}'' -> {1} {2}")
    @CsvSource({
            "127.0.0.1:9443, 127.0.0.1, 9443, 127.0.0.1:9443",
            "9443, 127.0.0.1, 9443, 127.0.0.1:9443",
            "0, 127.0.0.1, 0, 127.0.0.1:0",
            "'  8080 ', 127.0.0.1, 8080, 127.0.0.1:8080",
            "[::1]:0, ::1, 0, [::1]:0",
            "[2001:db8::1]:443, 2001:db8::1, 443, [2001:db8::1]:443",
            "[::ffff:1.2.3.4]:1, ::ffff:1.2.3.4, 1, [::ffff:1.2.3.4]:1",
            "localhost:80, localhost, 80, localhost:80",
            "0.0.0.0:65535, 0.0.0.0, 65535, 0.0.0.0:65535",
            "pki.example:00080, pki.example, 80, pki.example:80"})
    void parsesTheAcceptedForms(String text, String host, int port, String printed) {
        HostPort hp = HostPort.parse(text);
        assertThat(hp).isEqualTo(new HostPort(host, port));
        assertThat(hp.toString()).isEqualTo(printed);
        assertThat(HostPort.parse(hp.toString())).isEqualTo(hp);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            ":9443|':9443' is not HOST:PORT (for example 127.0.0.1:9443, [::1]:9443, or a port alone for 127.0.0.1)",
            "host|'host' is not HOST:PORT",
            "::1:80|'::1:80' is not HOST:PORT",
            "a:b:80|'a:b:80' is not HOST:PORT",
            "[host]:80|'[host]:80' is not HOST:PORT",
            "host:123456|'host:123456' is not HOST:PORT",
            "host:-1|'host:-1' is not HOST:PORT",
            "host:99999|port 99999 is out of range (0 to 65535)",
            "65536|port 65536 is out of range (0 to 65535)"})
    void refusesTheRestWithOneLine(String text, String message) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest(name = "''{0}'' loopback {1}")
    @CsvSource({"127.0.0.1:1, true", "[::1]:1, true", "localhost:1, true", "0.0.0.0:1, false", "10.0.0.1:1, false"})
    void knowsLoopback(String text, boolean loopback) {
        assertThat(HostPort.parse(text).isLoopback()).isEqualTo(loopback);
    }
}
