package io.voxcpm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import io.voxcpm.net.IpNetwork;
import io.voxcpm.sdp.OfferedMedia;
import io.voxcpm.sdp.SdpException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaDestinationsTest {

    private static final InetAddress SIP_SOURCE = InetAddresses.forString("192.0.2.10");
    private static final MediaDestinations LISTED = new MediaDestinations(
            List.of(IpNetwork.parse("198.51.100.0/24"), IpNetwork.parse("0.0.0.0/0"), IpNetwork.parse("::/0")));

    @ParameterizedTest(name = "c={0} -> {1}")
    @CsvSource({
            // the signalling source itself, in any spelling that is a literal
            "192.0.2.10,             ok",
            "::ffff:192.0.2.10,      ok",
            // anywhere else is refused unless listed
            "192.0.2.11,             399",
            "127.0.0.1,              399",
            "10.0.0.1,               399",
            "2001:db8::1,            399",
            // not a literal: never looked up
            "pbx.example.com,        301",
            "localhost,              301",
            "192.0.2.10.nip.io,      301",
            "'',                     301",
            // never one host's unicast address
            "0.0.0.0,                399",
            "::,                     399",
            "0.1.2.3,                399",
            "224.0.0.1,              399",
            "239.255.255.250,        399",
            "ff02::1,                399",
            "255.255.255.255,        399",
            "240.0.0.1,              399",
            "169.254.169.254,        399",
            "fe80::1,                399",
    })
    void signallingSourceOnly(String address, String expected) {
        check(MediaDestinations.signallingSourceOnly(), address, expected);
    }

    @ParameterizedTest(name = "c={0} -> {1}")
    @CsvSource({
            "198.51.100.77,          ok",
            "10.0.0.1,               ok",      // 0.0.0.0/0 listed: any unicast host
            "2001:db8::1,            ok",
            "127.0.0.2,              ok",
            // listing everything still never allows these
            "224.0.0.1,              399",
            "255.255.255.255,        399",
            "169.254.169.254,        399",
            "fe80::1,                399",
            "0.0.0.0,                399",
            "::,                     399",
            "ff0e::1,                399",
            "pbx.example.com,        301",
    })
    void listedNetworks(String address, String expected) {
        check(LISTED, address, expected);
    }

    @Test
    void aDisabledOrAddresslessAudioLineIsRefused() {
        assertThatThrownBy(() -> MediaDestinations.signallingSourceOnly().destination(audio("192.0.2.10", 0,
                "sendrecv"), SIP_SOURCE)).isInstanceOfSatisfying(SdpException.class,
                        e -> assertThat(e.sipStatus()).isEqualTo(488));
        assertThatThrownBy(() -> MediaDestinations.signallingSourceOnly().destination(audio(null, 4000,
                "sendrecv"), SIP_SOURCE)).isInstanceOfSatisfying(SdpException.class,
                        e -> assertThat(e.warnCode()).isEqualTo(301));
    }

    @ParameterizedTest(name = "{0} port {1} c={2} -> receives {3}")
    @CsvSource({
            "sendrecv, 4000, 192.0.2.10, true",
            "recvonly, 4000, 192.0.2.10, true",
            "sendonly, 4000, 192.0.2.10, false",
            "inactive, 4000, 192.0.2.10, false",
            "recvonly, 0,    192.0.2.10, false",
            "sendrecv, 4000, 0.0.0.0,    false",   // RFC 2543 hold
            "recvonly, 4000, pbx.example,true",    // the address is judged by destination(), not here
    })
    void whetherTheClientWantsAudio(String direction, int port, String address, boolean receives) {
        assertThat(MediaDestinations.clientReceives(audio(address, port, direction))).isEqualTo(receives);
    }

    private static void check(MediaDestinations policy, String address, String expected) {
        OfferedMedia.Audio line = audio(address, 4002, "recvonly");
        if (expected.equals("ok")) {
            try {
                assertThat(policy.destination(line, SIP_SOURCE))
                        .isEqualTo(new InetSocketAddress(InetAddresses.forString(address), 4002));
            } catch (SdpException e) {
                throw new AssertionError("refused " + address + ": " + e.getMessage(), e);
            }
            return;
        }
        assertThatThrownBy(() -> policy.destination(line, SIP_SOURCE)).isInstanceOfSatisfying(SdpException.class,
                e -> {
                    assertThat(e.sipStatus()).isEqualTo(488);
                    assertThat(e.warnCode()).isEqualTo(Integer.parseInt(expected));
                    assertThat(e.getMessage()).contains(address);
                });
    }

    private static OfferedMedia.Audio audio(String address, int port, String direction) {
        return new OfferedMedia.Audio(1, port, address, List.of(), Optional.empty(), direction, Optional.empty());
    }
}
