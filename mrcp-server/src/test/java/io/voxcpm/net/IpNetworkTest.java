package io.voxcpm.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpNetworkTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "10.0.0.0/8,       10.255.3.4,    true",
            "10.0.0.0/8,       11.0.0.1,      false",
            "10.1.2.3/8,       10.9.9.9,      true",   // host bits of the base are ignored
            "192.0.2.7,        192.0.2.7,     true",   // a bare address is a /32
            "192.0.2.7,        192.0.2.8,     false",
            "192.0.2.0/25,     192.0.2.127,   true",
            "192.0.2.0/25,     192.0.2.128,   false",
            "0.0.0.0/0,        203.0.113.1,   true",
            "0.0.0.0/0,        ::1,           false",  // families never mix
            "2001:db8::/32,    2001:db8:1::5, true",
            "2001:db8::/32,    2001:db9::5,   false",
            "::1,              ::1,           true",
            "::ffff:10.0.0.0/104, 10.0.0.1,   false",  // a mapped address parses as IPv4: /104 is out of range
    })
    void containment(String network, String address, boolean expected) {
        if (network.startsWith("::ffff:")) {
            assertThatThrownBy(() -> IpNetwork.parse(network)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        assertThat(IpNetwork.parse(network).contains(InetAddresses.forString(address))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com/24", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/x",
            "", "10.0.0/8"})
    void refusesWhatIsNotANetwork(String text) {
        assertThatThrownBy(() -> IpNetwork.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @CsvSource({"10.1.2.3/8, 10.0.0.0/8", "2001:db8::1/32, 2001:db8:0:0:0:0:0:0/32"})
    void printsItsMaskedBase(String text, String printed) {
        assertThat(IpNetwork.parse(text).toString()).isEqualTo(InetAddresses.toAddrString(
                InetAddresses.forString(printed.substring(0, printed.indexOf('/')))) + printed.substring(printed.indexOf('/')));
    }
}
