package io.voxcpm.sdp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SdpOffersTest {

    /** mrcp-interop.md §1.4: mod_unimrcp's offer. */
    static final String FREESWITCH_OFFER = String.join("\r\n",
            "v=0",
            "o=FreeSWITCH 5017763912045812355 8803331093718873661 IN IP4 10.0.0.1",
            "s=-",
            "c=IN IP4 10.0.0.1",
            "t=0 0",
            "m=application 9 TCP/MRCPv2 1",
            "a=setup:active",
            "a=connection:new",
            "a=resource:speechsynth",
            "a=cmid:1",
            "m=audio 4002 RTP/AVP 0 8 96",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:96 L16/8000",
            "a=recvonly",
            "a=mid:1", "");

    /** §1.2: the unimrcp issue #313 offer (PCMA only, connection:existing), LF line ends. */
    static final String ISSUE_313_OFFER = String.join("\n",
            "v=0",
            "o=FreeSWITCH 922099379207179487 3775814598659152372 IN IP4 172.17.0.23",
            "s=-",
            "c=IN IP4 172.17.0.23",
            "t=0 0",
            "m=application 9 TCP/MRCPv2 1",
            "a=setup:active",
            "a=connection:existing",
            "a=resource:speechsynth",
            "a=cmid:1",
            "m=audio 18131 RTP/AVP 8",
            "a=rtpmap:8 PCMA/8000",
            "a=recvonly",
            "a=mid:1", "");

    @Test
    void readsTheFreeSwitchOffer() throws SdpException {
        MrcpOffer offer = SdpOffers.parse(FREESWITCH_OFFER);

        assertThat(offer.media()).hasSize(2);
        assertThat(offer.synthControl().resource()).isEqualTo("speechsynth");
        assertThat(offer.synthControl().cmid()).contains("1");
        assertThat(offer.requestedConnection()).isEqualTo(ConnectionType.NEW);
        assertThat(offer.remoteRtpAddress()).isEqualTo("10.0.0.1");
        assertThat(offer.remoteRtpPort()).isEqualTo(4002);
        assertThat(offer.synthAudio().direction()).isEqualTo("recvonly");
        assertThat(offer.synthAudio().codecs()).containsExactly(AudioCodec.PCMU, AudioCodec.PCMA,
                new AudioCodec(96, "L16", 8000));
        assertThat(offer.negotiateCodec()).isEqualTo(AudioCodec.PCMU);
        assertThat(offer.ptime()).isEqualTo(20);
    }

    @Test
    void answersTheFreeSwitchOfferInUniMrcpShape() throws SdpException {
        MrcpOffer offer = SdpOffers.parse(FREESWITCH_OFFER);
        String answer = SdpAnswer.build(new SdpAnswer.Spec(offer, offer.negotiateCodec(), "10.0.0.2", 1544,
                "6f1b2c3d4e5f6a7b", ConnectionType.NEW, 5000));

        assertThat(answer.split("\r\n")).containsSubsequence(
                "v=0", "s=-", "c=IN IP4 10.0.0.2", "t=0 0",
                "m=application 1544 TCP/MRCPv2 1",
                "a=setup:passive",
                "a=connection:new",
                "a=channel:6f1b2c3d4e5f6a7b@speechsynth",
                "a=cmid:1",
                "m=audio 5000 RTP/AVP 0",
                "a=rtpmap:0 PCMU/8000",
                "a=sendonly",
                "a=ptime:20",
                "a=mid:1");
        assertThat(answer).startsWith("v=0\r\no=voxcpm ").endsWith("a=mid:1\r\n").doesNotContain("\n\n");
        assertThat(answer.lines().filter(l -> l.startsWith("o="))).singleElement()
                .asString().matches("o=voxcpm \\d+ 1 IN IP4 10\\.0\\.0\\.2");
    }

    @Test
    void anUnchangedReofferGetsAByteIdenticalAnswer() throws SdpException {
        MrcpOffer offer = SdpOffers.parse(ISSUE_313_OFFER);
        SdpAnswer.Spec spec = new SdpAnswer.Spec(offer, offer.negotiateCodec(), "192.0.2.1", 1544,
                "00112233aabbccdd", ConnectionType.EXISTING, 6000);
        assertThat(SdpAnswer.build(spec)).isEqualTo(SdpAnswer.build(spec));
        assertThat(SdpAnswer.build(spec)).contains("a=connection:existing\r\n", "m=audio 6000 RTP/AVP 8\r\n",
                "a=rtpmap:8 PCMA/8000\r\n");
        assertThat(offer.requestedConnection()).isEqualTo(ConnectionType.EXISTING);
    }

    @Test
    void ciscoStyleAudioFirstAndNoFmtOnTheControlLine() throws SdpException {
        String sdp = String.join("\r\n", "v=0", "o=- 1 1 IN IP4 198.51.100.7", "s=-", "t=0 0",
                "m=audio 30000 RTP/AVP 8 0", "c=IN IP4 198.51.100.7", "a=rtpmap:8 PCMA/8000", "a=mid:7",
                "m=application 9 TCP/MRCPv2", "a=sendrecv", "a=setup:active", "a=connection:new",
                "a=resource:speechsynth", "a=cmid:7", "");
        MrcpOffer offer = SdpOffers.parse(sdp);

        assertThat(offer.synthAudio().index()).isZero();
        assertThat(offer.synthControl().index()).isEqualTo(1);
        assertThat(offer.negotiateCodec()).isEqualTo(AudioCodec.PCMA);
        String answer = SdpAnswer.build(new SdpAnswer.Spec(offer, AudioCodec.PCMA, "10.1.1.1", 1544,
                "abcdef0123456789", ConnectionType.NEW, 7000));
        assertThat(answer.indexOf("m=audio 7000 RTP/AVP 8")).isLessThan(answer.indexOf("m=application 1544"));
        assertThat(answer).contains("a=mid:7\r\n", "a=cmid:7\r\n").doesNotContain("sendrecv");
    }

    @Test
    void telephoneEventPlaysNoPartAndIsNotEchoed() throws SdpException {
        String sdp = FREESWITCH_OFFER.replace("m=audio 4002 RTP/AVP 0 8 96", "m=audio 4002 RTP/AVP 101 8 0")
                .replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:30");
        MrcpOffer offer = SdpOffers.parse(sdp);

        assertThat(offer.negotiateCodec()).isEqualTo(AudioCodec.PCMA);
        assertThat(offer.ptime()).isEqualTo(30);
        String answer = SdpAnswer.build(new SdpAnswer.Spec(offer, offer.negotiateCodec(), "10.0.0.2", 1544,
                "6f1b2c3d4e5f6a7b", ConnectionType.NEW, 5000));
        assertThat(answer).contains("m=audio 5000 RTP/AVP 8\r\n", "a=ptime:30\r\n").doesNotContain("101");
    }

    @Test
    void wideBandL16AdoptsTheOfferedDynamicPayloadType() throws SdpException {
        String sdp = FREESWITCH_OFFER.replace("m=audio 4002 RTP/AVP 0 8 96", "m=audio 4002 RTP/AVP 99 0")
                .replace("a=rtpmap:96 L16/8000", "a=rtpmap:99 l16/16000/1");
        MrcpOffer offer = SdpOffers.parse(sdp);

        assertThat(offer.negotiateCodec()).isEqualTo(new AudioCodec(99, "L16", 16000));
        assertThat(offer.negotiateCodec().rtpmap()).isEqualTo("99 L16/16000");
    }

    /**
     * G.722 is offered and answered at an 8000 Hz clock although it samples at 16 kHz (RFC 3551 §4.5.2):
     * FreeSWITCH's HD offer lists it first, with or without an rtpmap.
     */
    @Test
    void g722IsNegotiatedAtItsRtpClockOf8000() throws SdpException {
        String sdp = FREESWITCH_OFFER.replace("m=audio 4002 RTP/AVP 0 8 96", "m=audio 4002 RTP/AVP 9 0 8")
                .replace("a=rtpmap:96 L16/8000", "a=rtpmap:9 G722/8000");
        MrcpOffer offer = SdpOffers.parse(sdp);
        assertThat(offer.negotiateCodec()).isEqualTo(AudioCodec.G722);
        String answer = SdpAnswer.build(new SdpAnswer.Spec(offer, offer.negotiateCodec(), "10.0.0.2", 1544,
                "6f1b2c3d4e5f6a7b", ConnectionType.NEW, 5000));
        assertThat(answer).contains("m=audio 5000 RTP/AVP 9\r\n", "a=rtpmap:9 G722/8000\r\n");

        String bare = FREESWITCH_OFFER.replace("m=audio 4002 RTP/AVP 0 8 96", "m=audio 4002 RTP/AVP 9 0")
                .replace("a=rtpmap:96 L16/8000\r\n", "");
        assertThat(SdpOffers.parse(bare).negotiateCodec()).isEqualTo(AudioCodec.G722);
        // an rtpmap claiming 16000 is not the G.722 of RFC 3551: skip it for the next codec
        String wrongClock = sdp.replace("a=rtpmap:9 G722/8000", "a=rtpmap:9 G722/16000");
        assertThat(SdpOffers.parse(wrongClock).negotiateCodec()).isEqualTo(AudioCodec.PCMU);
    }

    @Test
    void staticPayloadTypesNeedNoRtpmap() throws SdpException {
        String sdp = FREESWITCH_OFFER.replace("a=rtpmap:0 PCMU/8000\r\n", "").replace("a=rtpmap:8 PCMA/8000\r\n", "")
                .replace("RTP/AVP 0 8 96", "RTP/AVP 18 8 0");
        assertThat(SdpOffers.parse(sdp).synthAudio().codecs()).containsExactly(AudioCodec.PCMA, AudioCodec.PCMU);
    }

    @Test
    void noSupportedCodecIs488() throws SdpException {
        String sdp = FREESWITCH_OFFER.replace("m=audio 4002 RTP/AVP 0 8 96", "m=audio 4002 RTP/AVP 3 96 18")
                .replace("a=rtpmap:96 L16/8000", "a=rtpmap:96 L16/44100/2");
        MrcpOffer offer = SdpOffers.parse(sdp);
        assertThatThrownBy(offer::negotiateCodec).isInstanceOf(SdpException.class)
                .extracting(e -> ((SdpException) e).sipStatus()).isEqualTo(488);
    }

    @Test
    void onlySpeechRecogIs404() {
        assertStatus(FREESWITCH_OFFER.replace("resource:speechsynth", "resource:speechrecog"), 404);
    }

    @Test
    void aTlsControlLineIsAnsweredWithTheTransportItAskedFor() throws SdpException {
        // RFC 6787 §4.2: TCP/TLS/MRCPv2; whether TLS is served is the session layer's call (488 when it is not)
        MrcpOffer offer = SdpOffers.parse(FREESWITCH_OFFER.replace("TCP/MRCPv2", "TCP/TLS/MRCPv2"));
        assertThat(offer.synthControl().tls()).isTrue();
        assertThat(SdpOffers.parse(FREESWITCH_OFFER).synthControl().tls()).isFalse();
        String answer = SdpAnswer.build(new SdpAnswer.Spec(offer, offer.negotiateCodec(), "10.0.0.2", 1545,
                "6f1b2c3d4e5f6a7b", ConnectionType.NEW, 5000));
        assertThat(answer).contains("m=application 1545 TCP/TLS/MRCPv2 1\r\n").doesNotContain("TCP/MRCPv2");
    }

    @Test
    void otherMrcpTransportsAre488() {
        assertStatus(FREESWITCH_OFFER.replace("TCP/MRCPv2", "UDP/MRCPv2"), 488);
        assertStatus(FREESWITCH_OFFER.replace("TCP/MRCPv2", "TCP/TLS/MRCPv1"), 488);
    }

    @Test
    void noApplicationLineIs488() {
        assertStatus("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", 488);
    }

    @Test
    void missingConnectionLineIs400() {
        assertStatus(FREESWITCH_OFFER.replace("c=IN IP4 10.0.0.1\r\n", ""), 400);
    }

    @Test
    void mediaLevelConnectionLineIsEnough() throws SdpException {
        String sdp = FREESWITCH_OFFER.replace("c=IN IP4 10.0.0.1\r\n", "")
                .replace("a=rtpmap:0 PCMU/8000", "c=IN IP4 10.9.9.9\r\na=rtpmap:0 PCMU/8000");
        assertThat(SdpOffers.parse(sdp).remoteRtpAddress()).isEqualTo("10.9.9.9");
    }

    @Test
    void garbageIs400() {
        for (String bad : List.of("", "hello world", "v=0\r\nm=audio x RTP/AVP 0\r\n", "v=0\r\nm=audio\r\n",
                "v=0\r\nc=IP4\r\n", "o=- 1 1 IN IP4 1.2.3.4\r\n")) {
            assertStatus(bad, 400);
        }
    }

    @Test
    void synthAndRecogInOneOfferServesSynthAndDisablesRecog() throws SdpException {
        String sdp = FREESWITCH_OFFER + String.join("\r\n", "m=application 9 TCP/MRCPv2 1", "a=setup:active",
                "a=connection:new", "a=resource:speechrecog", "a=cmid:2", "m=audio 4004 RTP/AVP 0", "a=sendonly",
                "a=mid:2", "");
        MrcpOffer offer = SdpOffers.parse(sdp);
        String answer = SdpAnswer.build(new SdpAnswer.Spec(offer, offer.negotiateCodec(), "10.0.0.2", 1544,
                "6f1b2c3d4e5f6a7b", ConnectionType.NEW, 5000));

        assertThat(answer.lines().filter(l -> l.startsWith("m="))).containsExactly(
                "m=application 1544 TCP/MRCPv2 1", "m=audio 5000 RTP/AVP 0",
                "m=application 0 TCP/MRCPv2 1", "m=audio 0 RTP/AVP 0");
        assertThat(answer).containsOnlyOnce("a=channel:");
    }

    @Test
    void controlPortZeroReleasesTheChannel() throws SdpException {
        MrcpOffer offer = SdpOffers.parse(FREESWITCH_OFFER.replace("m=application 9 ", "m=application 0 "));
        assertThat(offer.releasesChannel()).isTrue();
        assertThat(SdpAnswer.build(new SdpAnswer.Spec(offer, AudioCodec.PCMU, "10.0.0.2", 1544,
                "6f1b2c3d4e5f6a7b", ConnectionType.NEW, 5000)))
                .contains("m=application 0 TCP/MRCPv2 1\r\n", "a=channel:6f1b2c3d4e5f6a7b@speechsynth\r\n");
    }

    @Test
    void capabilitiesDescribeSpeechSynthAndOurCodecs() throws SdpException {
        SessionDescription caps = SdpParser.parse(SdpAnswer.capabilities("127.0.0.1"));
        assertThat(caps.media()).extracting(MediaDescription::type, MediaDescription::port, MediaDescription::proto)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("application", 0, "TCP/MRCPv2"),
                        org.assertj.core.groups.Tuple.tuple("audio", 0, "RTP/AVP"));
        assertThat(caps.media().get(0).attribute("resource")).contains("speechsynth");
        assertThat(caps.media().get(1).attributes("rtpmap"))
                .containsExactly("0 PCMU/8000", "8 PCMA/8000", "9 G722/8000", "96 L16/8000", "97 L16/16000");
    }

    @Test
    void channelIdMustBeAToken() {
        assertThatThrownBy(() -> new SdpAnswer.Spec(SdpOffers.parse(FREESWITCH_OFFER), AudioCodec.PCMU, "1.2.3.4",
                1544, "bad id@x", ConnectionType.NEW, 5000)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertStatus(String sdp, int status) {
        assertThatThrownBy(() -> SdpOffers.parse(sdp)).as(sdp).isInstanceOf(SdpException.class)
                .extracting(e -> ((SdpException) e).sipStatus()).isEqualTo(status);
    }
}
