package io.voxcpm.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** SDP offers as UniMRCP-based clients write them, generated and mutated: answers round-trip, nothing escapes. */
class SdpPropertiesTest {

    private static final String SEPARATORS = " :=/\r\n0123456789-";

    record Offer(List<String> payloads, boolean audioFirst, boolean existing, Integer ptime, String cmid, boolean lf) {
        String text() {
            String eol = lf ? "\n" : "\r\n";
            String control = "m=application 9 TCP/MRCPv2 1" + eol + "a=setup:active" + eol
                    + "a=connection:" + (existing ? "existing" : "new") + eol + "a=resource:speechsynth" + eol
                    + "a=cmid:" + cmid + eol;
            StringBuilder audio = new StringBuilder("m=audio 4000 RTP/AVP " + String.join(" ", payloads) + eol);
            for (String pt : payloads) {
                audio.append(switch (pt) {
                    case "0" -> "a=rtpmap:0 PCMU/8000";
                    case "8" -> "a=rtpmap:8 PCMA/8000";
                    case "96" -> "a=rtpmap:96 L16/8000";
                    case "97" -> "a=rtpmap:97 L16/16000";
                    case "101" -> "a=rtpmap:101 telephone-event/8000";
                    default -> "a=rtpmap:" + pt + " opus/48000/2";
                }).append(eol);
            }
            if (ptime != null) {
                audio.append("a=ptime:").append(ptime).append(eol);
            }
            audio.append("a=recvonly").append(eol).append("a=mid:").append(cmid).append(eol);
            return "v=0" + eol + "o=- 1 1 IN IP4 10.0.0.1" + eol + "s=-" + eol + "c=IN IP4 10.0.0.1" + eol
                    + "t=0 0" + eol + (audioFirst ? audio + control : control + audio);
        }

        String firstSupported() {
            return payloads.stream().filter(p -> List.of("0", "8", "96", "97").contains(p)).findFirst().orElse(null);
        }
    }

    @Provide
    Arbitrary<Offer> offers() {
        Arbitrary<List<String>> payloads = Arbitraries.of("0", "8", "96", "97", "101", "111").list()
                .ofMinSize(1).ofMaxSize(5).uniqueElements();
        return Combinators.combine(payloads, Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(10, 20, 30, 40).injectNull(0.5), Arbitraries.strings().numeric().ofMinLength(1)
                        .ofMaxLength(3), Arbitraries.of(true, false)).as(Offer::new);
    }

    @Property(tries = 300)
    void everyOfferWithACodecIsAnsweredInOrderWithTheFirstSupportedOne(@ForAll("offers") Offer offer)
            throws SdpException {
        MrcpOffer parsed = SdpOffers.parse(offer.text());
        assertThat(parsed.requestedConnection()).isEqualTo(offer.existing() ? ConnectionType.EXISTING : ConnectionType.NEW);
        assertThat(parsed.ptime()).isEqualTo(offer.ptime() == null ? 20 : offer.ptime());
        if (offer.firstSupported() == null) {
            try {
                parsed.negotiateCodec();
                throw new AssertionError("no supported codec, yet one was negotiated");
            } catch (SdpException e) {
                assertThat(e.sipStatus()).isEqualTo(488);
            }
            return;
        }
        AudioCodec codec = parsed.negotiateCodec();
        assertThat(Integer.toString(codec.payloadType())).isEqualTo(offer.firstSupported());
        String answer = SdpAnswer.build(new SdpAnswer.Spec(parsed, codec, "127.0.0.1", 1544, "0123456789abcdef",
                ConnectionType.NEW, 5000));
        SessionDescription read = SdpParser.parse(answer);
        assertThat(read.media()).hasSize(2);
        MediaDescription control = read.media().get(offer.audioFirst() ? 1 : 0);
        MediaDescription audio = read.media().get(offer.audioFirst() ? 0 : 1);
        assertThat(control.port()).isEqualTo(1544);
        assertThat(control.attribute("channel")).hasValue("0123456789abcdef@speechsynth");
        assertThat(control.attribute("cmid")).hasValue(offer.cmid());
        assertThat(audio.formats().get(0)).isEqualTo(offer.firstSupported());
        assertThat(audio.attribute("mid")).hasValue(offer.cmid());
        assertThat(answer).contains("a=sendonly");
    }

    @Property(tries = 1000)
    void mutatedOffersEitherParseOrFailWithASipStatus(@ForAll("offers") Offer offer, @ForAll long seed) {
        Random random = new Random(seed);
        byte[] bytes = offer.text().getBytes(StandardCharsets.UTF_8);
        int edits = 1 + random.nextInt(6);
        List<Byte> mutated = new ArrayList<>();
        for (byte b : bytes) {
            mutated.add(b);
        }
        for (int i = 0; i < edits && !mutated.isEmpty(); i++) {
            int at = random.nextInt(mutated.size());
            switch (random.nextInt(3)) {
                case 0 -> mutated.remove(at);
                case 1 -> mutated.add(at, (byte) random.nextInt(256));
                default -> mutated.set(at, (byte) SEPARATORS.charAt(random.nextInt(SEPARATORS.length())));
            }
        }
        byte[] out = new byte[mutated.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = mutated.get(i);
        }
        try {
            MrcpOffer parsed = SdpOffers.parse(new String(out, StandardCharsets.UTF_8));
            AudioCodec codec = parsed.negotiateCodec();
            SdpAnswer.build(new SdpAnswer.Spec(parsed, codec, "127.0.0.1", 1544, "0123456789abcdef",
                    ConnectionType.NEW, 5000));
        } catch (SdpException e) {
            assertThat(e.sipStatus()).isBetween(400, 499);
        }
    }
}
