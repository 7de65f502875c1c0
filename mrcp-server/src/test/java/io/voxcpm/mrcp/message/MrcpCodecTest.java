package io.voxcpm.mrcp.message;

import static io.voxcpm.mrcp.message.Wire.bytes;
import static io.voxcpm.mrcp.message.Wire.concat;
import static io.voxcpm.mrcp.message.Wire.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MrcpCodecTest {

    private static final String CHANNEL = "6f1b2c3d4e5f6a7b@speechsynth";

    // mrcp-interop.md §2.7, lengths computed by hand there
    private static final String SPEAK_191 = "MRCP/2.0 191 SPEAK 1\r\n"
            + "Channel-Identifier: 6f1b2c3d4e5f6a7b@speechsynth\r\n"
            + "Voice-Name: Joanna\r\n"
            + "Speech-Language: en-US\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: 27\r\n"
            + "\r\n"
            + "Hello from the Java server.";
    private static final String IN_PROGRESS_83 = "MRCP/2.0 83 1 200 IN-PROGRESS\r\n"
            + "Channel-Identifier: 6f1b2c3d4e5f6a7b@speechsynth\r\n"
            + "\r\n";
    private static final String SPEAK_COMPLETE_122 = "MRCP/2.0 122 SPEAK-COMPLETE 1 COMPLETE\r\n"
            + "Channel-Identifier: 6f1b2c3d4e5f6a7b@speechsynth\r\n"
            + "Completion-Cause: 000 normal\r\n"
            + "\r\n";
    private static final String STOP_72 = "MRCP/2.0 72 STOP 2\r\n"
            + "Channel-Identifier: 6f1b2c3d4e5f6a7b@speechsynth\r\n"
            + "\r\n";
    private static final String STOPPED_108 = "MRCP/2.0 108 2 200 COMPLETE\r\n"
            + "Channel-Identifier: 6f1b2c3d4e5f6a7b@speechsynth\r\n"
            + "Active-Request-Id-List: 1\r\n"
            + "\r\n";
    private static final String SSML_BODY = "<?xml version=\"1.0\"?>\r\n"
            + "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"de-DE\">"
            + "Grüße aus Köln</speak>";
    private static final String SSML_286 = "MRCP/2.0 286 SPEAK 4\r\n"
            + "Channel-Identifier: 6f1b2c3d4e5f6a7b@speechsynth\r\n"
            + "Kill-On-Barge-In: false\r\n"
            + "Content-Type: application/ssml+xml\r\n"
            + "Content-Length: 130\r\n"
            + "\r\n"
            + SSML_BODY;

    // mrcp-interop.md §2.1, UniMRCP's own test vectors (no blank after the colon, odd case)
    private static final String UNIMRCP_COMPLETE_161 = "MRCP/2.0 161 SPEAK-COMPLETE 543257 COMPLETE\r\n"
            + "Channel-Identifier:32AECB23433802@speechsynth\r\n"
            + "Completion-Cause:000 normal\r\n"
            + "Speech-Marker:timestamp=857206027059\r\n"
            + "\r\n";
    private static final String UNIMRCP_STOP_74 = "MRCP/2.0 74 STOP 543258\r\n"
            + "Channel-Identifier:32AECB23433802@speechsynth\r\n"
            + "\r\n";
    private static final String UNIMRCP_GET_PARAMS_112 = "MRCP/2.0 112 GET-PARAMS 543256\r\n"
            + "Channel-Identifier:32AECB23433802@speechsynth\r\n"
            + "Voice-gender:\r\n"
            + "Voice-variant:\r\n"
            + "\r\n";

    private static MrcpHeaders channel() {
        return MrcpHeaders.ofChannel(CHANNEL);
    }

    private static MrcpRequest speak191() {
        return MrcpRequest.withText("SPEAK", 1, channel().toBuilder()
                .add("Voice-Name", "Joanna").add("Speech-Language", "en-US").add("Content-Type", "text/plain")
                .build(), "Hello from the Java server.");
    }

    private static MrcpRequest ssml286() {
        return MrcpRequest.withText("SPEAK", 4, channel().toBuilder()
                .add("Kill-On-Barge-In", "false").add("Content-Type", "application/ssml+xml").build(), SSML_BODY);
    }

    private static List<MrcpMessage> section27Messages() {
        return List.of(speak191(),
                new MrcpResponse(1, 200, RequestState.IN_PROGRESS, channel()),
                new MrcpEvent("SPEAK-COMPLETE", 1, RequestState.COMPLETE, channel().toBuilder()
                        .add("Completion-Cause", CompletionCause.NORMAL.headerValue()).build()),
                new MrcpRequest("STOP", 2, channel()),
                new MrcpResponse(2, 200, RequestState.COMPLETE, channel().toBuilder()
                        .add("Active-Request-Id-List", "1").build()),
                ssml286());
    }

    private static final List<String> SECTION_27_WIRE =
            List.of(SPEAK_191, IN_PROGRESS_83, SPEAK_COMPLETE_122, STOP_72, STOPPED_108, SSML_286);

    @Test
    void encoderWritesTheSection27VectorsExactly() {
        List<MrcpMessage> messages = section27Messages();
        for (int i = 0; i < messages.size(); i++) {
            String wire = new String(MrcpEncoder.encode(messages.get(i)), StandardCharsets.UTF_8);
            assertThat(wire).isEqualTo(SECTION_27_WIRE.get(i));
        }
    }

    @Test
    void declaredLengthsOfTheVectorsAreTheirByteLengths() {
        for (String wire : SECTION_27_WIRE) {
            long declared = Long.parseLong(wire.split(" ")[1]);
            assertThat(declared).as(wire.lines().findFirst().orElseThrow()).isEqualTo(bytes(wire).length);
        }
    }

    @Test
    void decoderReadsTheSection27Vectors() {
        byte[][] each = SECTION_27_WIRE.stream().map(Wire::bytes).toArray(byte[][]::new);
        assertThat(decode(each)).containsExactlyElementsOf(section27Messages());
    }

    @Test
    void decoderReadsUniMrcpVectors() {
        List<Object> out = decode(bytes(UNIMRCP_COMPLETE_161 + UNIMRCP_STOP_74 + UNIMRCP_GET_PARAMS_112));
        assertThat(out).hasSize(3);
        MrcpEvent complete = (MrcpEvent) out.get(0);
        assertThat(complete.eventName()).isEqualTo("SPEAK-COMPLETE");
        assertThat(complete.requestId()).isEqualTo(543257);
        assertThat(complete.state()).isEqualTo(RequestState.COMPLETE);
        assertThat(complete.channelId()).isEqualTo("32AECB23433802@speechsynth");
        assertThat(CompletionCause.parse(complete.headers().get(MrcpHeaderNames.COMPLETION_CAUSE)))
                .isEqualTo(CompletionCause.NORMAL);
        assertThat(complete.headers().get("speech-marker")).isEqualTo("timestamp=857206027059");

        MrcpRequest stop = (MrcpRequest) out.get(1);
        assertThat(stop.method()).isEqualTo("STOP");
        assertThat(stop.requestId()).isEqualTo(543258);

        MrcpRequest getParams = (MrcpRequest) out.get(2);
        assertThat(getParams.headers().get(MrcpHeaderNames.VOICE_GENDER)).isEmpty();
        assertThat(getParams.headers().get(MrcpHeaderNames.VOICE_VARIANT)).isEmpty();
        assertThat(getParams.headers().entries()).extracting(MrcpHeader::name)
                .containsExactly("Channel-Identifier", "Voice-gender", "Voice-variant");
    }

    @Test
    void everySplitOfAMultiMessageStreamDecodesTheSame() {
        byte[] stream = bytes(String.join("", SECTION_27_WIRE) + UNIMRCP_GET_PARAMS_112);
        List<Object> whole = decode(stream);
        assertThat(whole).hasSize(7).allMatch(MrcpMessage.class::isInstance);
        for (int cut = 0; cut <= stream.length; cut++) {
            assertThat(decode(Wire.split(stream, cut))).as("split at %d", cut).isEqualTo(whole);
        }
        for (int cut = 0; cut + 7 <= stream.length; cut += 3) {
            assertThat(decode(Wire.split(stream, cut, cut + 1, cut + 7))).isEqualTo(whole);
        }
    }

    @Test
    void byteByByteReadsDecodeTheSame() {
        byte[] stream = bytes(SPEAK_191 + STOP_72 + SSML_286);
        byte[][] single = new byte[stream.length][];
        for (int i = 0; i < stream.length; i++) {
            single[i] = new byte[] {stream[i]};
        }
        assertThat(decode(single)).isEqualTo(decode(stream)).hasSize(3);
    }

    @Test
    void lfOnlyLinesAndLooseSpacingAreAccepted() {
        String lf = "MRCP/2.0 160 SPEAK 9\n"
                + "channel-identifier:abc@speechsynth\n"
                + "VOICE-NAME:    Joanna  \n"
                + "Content-Type :text/plain\n"
                + "content-length: 5\n"
                + "\n"
                + "hello";
        List<Object> out = decode(bytes(lf));
        assertThat(out).hasSize(1);
        MrcpRequest r = (MrcpRequest) out.get(0);
        assertThat(r.channelId()).isEqualTo("abc@speechsynth");
        assertThat(r.headers().get(MrcpHeaderNames.VOICE_NAME)).isEqualTo("Joanna");
        assertThat(r.headers().get(MrcpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain");
        assertThat(r.headers().contains(MrcpHeaderNames.CONTENT_LENGTH)).isFalse();
        assertThat(r.content().text()).isEqualTo("hello");
    }

    @Test
    void asciiAndUtf8LinesAreStrippedAlikeAndTheResponseEchoesInOurSpelling() {
        // plain ASCII lines are cut straight from the bytes, others are decoded first: both strip as String.strip
        String wire = "MRCP/2.0 140 SPEAK 3\r\n"
                + "channel-identifier:\u000Babc@speechsynth\f\r\n"
                + "Voice-Name \u000B:  J\u00f6anna \r\n"
                + "Speech-Language \u000B:  en-US \r\n"
                + "\r\n";
        MrcpRequest r = (MrcpRequest) decode(bytes(wire)).get(0);
        assertThat(r.headers().entries()).containsExactly(new MrcpHeader("channel-identifier", "abc@speechsynth"),
                new MrcpHeader("Voice-Name", "J\u00f6anna"), new MrcpHeader("Speech-Language", "en-US"));
        assertThat(MrcpResponse.to(r, 200, RequestState.IN_PROGRESS).headers().entries())
                .containsExactly(new MrcpHeader(MrcpHeaderNames.CHANNEL_IDENTIFIER, "abc@speechsynth"));
    }

    @Test
    void contentLengthCountsUtf8Bytes() {
        String text = "中国人当自强".repeat(16);
        assertThat(text).hasSize(96);
        String wire = "MRCP/2.0 483 SPEAK 1839510\r\n"
                + "Channel-Identifier: f658b120e61a11eb@speechsynth\r\n"
                + "Kill-On-Barge-In: false\r\n"
                + "Voice-Name: aixia\r\n"
                + "Speech-Language: zh-cn\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: 288\r\n"
                + "\r\n"
                + text;
        byte[] stream = concat(bytes(wire), bytes(STOP_72));
        // split inside a three-byte character as well
        List<Object> out = decode(Wire.split(stream, stream.length - 72 - 100));
        assertThat(out).hasSize(2);
        MrcpRequest speak = (MrcpRequest) out.get(0);
        assertThat(speak.content().length()).isEqualTo(288);
        assertThat(speak.content().text()).isEqualTo(text);
        assertThat(new String(MrcpEncoder.encode(speak), StandardCharsets.UTF_8)).isEqualTo(wire);
    }

    @Test
    void missingChannelIdentifierIsAnswerable406AndTheStreamGoesOn() {
        String noChannel = "MRCP/2.0 60 SPEAK 7\r\nContent-Length: 3\r\n\r\nabc";
        List<Object> out = decode(bytes(noChannel + STOP_72));
        assertThat(out).hasSize(2);
        MrcpDecodeError error = (MrcpDecodeError) out.get(0);
        assertThat(error.statusCode()).isEqualTo(MrcpStatus.MANDATORY_HEADER_MISSING);
        assertThat(error.requestId()).isEqualTo(7);
        assertThat(error.canContinue()).isTrue();
        assertThat(error.toResponse().headers().isEmpty()).isTrue();
        assertThat(((MrcpRequest) out.get(1)).method()).isEqualTo("STOP");
    }

    @Test
    void responseWithoutChannelIdentifierIsPassedOn() {
        List<Object> out = decode(bytes("MRCP/2.0 27 7 406 COMPLETE\r\n\r\n"));
        assertThat(out).containsExactly(new MrcpResponse(7, 406, RequestState.COMPLETE, MrcpHeaders.empty()));
        assertThat(((MrcpResponse) out.get(0)).channelId()).isNull();
    }

    @Test
    void malformedHeaderLineIsAnswerable408EchoingTheChannel() {
        String bad = "MRCP/2.0 99 SPEAK 8\r\nChannel-Identifier: x@speechsynth\r\nno colon here\r\n"
                + "Content-Length: 2\r\n\r\nhi";
        List<Object> out = decode(bytes(bad + STOP_72));
        assertThat(out).hasSize(2);
        MrcpDecodeError error = (MrcpDecodeError) out.get(0);
        assertThat(error.statusCode()).isEqualTo(MrcpStatus.UNRECOGNIZED_MESSAGE);
        assertThat(error.canContinue()).isTrue();
        assertThat(error.toResponse()).isEqualTo(new MrcpResponse(8, 408, RequestState.COMPLETE,
                MrcpHeaders.ofChannel("x@speechsynth")));
        assertThat(out.get(1)).isInstanceOf(MrcpRequest.class);
    }

    @Test
    void otherVersionIsAnswerable502() {
        String v1 = "MRCP/1.0 74 STOP 12\r\nChannel-Identifier: x@speechsynth\r\n\r\n";
        List<Object> out = decode(bytes(v1 + STOP_72));
        MrcpDecodeError error = (MrcpDecodeError) out.get(0);
        assertThat(error.statusCode()).isEqualTo(MrcpStatus.PROTOCOL_VERSION_NOT_SUPPORTED);
        assertThat(error.requestId()).isEqualTo(12);
        assertThat(error.canContinue()).isTrue();
        assertThat(out.get(1)).isInstanceOf(MrcpRequest.class);
    }

    @Test
    void oversizeBodyIsAnswerable504AndSkipped() {
        MrcpDecoder decoder = new MrcpDecoder(1024, 256, 10, 100);
        byte[] big = MrcpEncoder.encode(new MrcpRequest("SPEAK", 3, channel(), Body.of(new byte[5000])));
        byte[] stream = concat(big, bytes(STOP_72));
        List<Object> out = decode(decoder, Wire.split(stream, 100, 2000, 4000));
        assertThat(out).hasSize(2);
        MrcpDecodeError error = (MrcpDecodeError) out.get(0);
        assertThat(error.statusCode()).isEqualTo(MrcpStatus.MESSAGE_TOO_LARGE);
        assertThat(error.requestId()).isEqualTo(3);
        assertThat(error.channelId()).isEqualTo(CHANNEL);
        assertThat(error.canContinue()).isTrue();
        assertThat(((MrcpRequest) out.get(1)).requestId()).isEqualTo(2);
    }

    @Test
    void oversizeHeadIsFatal504WithTheRequestId() {
        MrcpDecoder decoder = new MrcpDecoder(1024, 256, 10, 100);
        StringBuilder head = new StringBuilder("MRCP/2.0 9999 SPEAK 5\r\nChannel-Identifier: a@speechsynth\r\n");
        while (head.length() < 2000) {
            head.append("Vendor-Specific-Parameters: a=b\r\n");
        }
        List<Object> out = decode(decoder, bytes(head.toString()), bytes("\r\n" + STOP_72));
        assertThat(out).hasSize(1);
        MrcpDecodeError error = (MrcpDecodeError) out.get(0);
        assertThat(error.statusCode()).isEqualTo(MrcpStatus.MESSAGE_TOO_LARGE);
        assertThat(error.requestId()).isEqualTo(5);
        assertThat(error.canContinue()).isFalse();
    }

    @Test
    void tooLongHeaderLineAndTooManyHeadersAre504ButSkippable() {
        MrcpDecoder decoder = new MrcpDecoder(4096, 100, 3, 100);
        String longLine = "MRCP/2.0 1 SPEAK 5\r\nChannel-Identifier: a@speechsynth\r\nVoice-Name: "
                + "x".repeat(200) + "\r\n\r\n";
        String many = "MRCP/2.0 1 SPEAK 6\r\nChannel-Identifier: a@speechsynth\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
        List<Object> out = decode(decoder, bytes(longLine + many + STOP_72));
        assertThat(out).hasSize(3);
        assertThat(out.subList(0, 2)).allSatisfy(o -> {
            MrcpDecodeError e = (MrcpDecodeError) o;
            assertThat(e.statusCode()).isEqualTo(MrcpStatus.MESSAGE_TOO_LARGE);
            assertThat(e.canContinue()).isTrue();
        });
        assertThat(((MrcpDecodeError) out.get(1)).requestId()).isEqualTo(6);
        assertThat(out.get(2)).isInstanceOf(MrcpRequest.class);
    }

    @Test
    void garbageIsFatalAndEverythingAfterIsDiscarded() {
        List<Object> out = decode(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), bytes(STOP_72));
        assertThat(out).hasSize(1);
        MrcpDecodeError error = (MrcpDecodeError) out.get(0);
        assertThat(error.isAnswerable()).isFalse();
        assertThat(error.canContinue()).isFalse();
        // binary noise without any line structure is rejected before a line end is ever seen
        List<Object> binary = decode(new byte[] {'M', 'R', 0, 1, 2});
        assertThat(binary).singleElement().satisfies(o -> assertThat(((MrcpDecodeError) o).canContinue()).isFalse());
    }

    @Test
    void unendedStartLineIsFatal() {
        MrcpDecoder decoder = new MrcpDecoder(4096, 100, 10, 100);
        List<Object> out = decode(decoder, bytes("MRCP/" + "9".repeat(150)));
        assertThat(out).singleElement().satisfies(o -> assertThat(((MrcpDecodeError) o).canContinue()).isFalse());
    }

    @Test
    void invalidContentLengthIsFatal404() {
        String bad = "MRCP/2.0 80 SPEAK 9\r\nChannel-Identifier: a@speechsynth\r\nContent-Length: 1x\r\n\r\nabc";
        List<Object> out = decode(bytes(bad + STOP_72));
        MrcpDecodeError error = (MrcpDecodeError) out.get(0);
        assertThat(out).hasSize(1);
        assertThat(error.statusCode()).isEqualTo(MrcpStatus.ILLEGAL_HEADER_VALUE);
        assertThat(error.requestId()).isEqualTo(9);
        assertThat(error.channelId()).isEqualTo("a@speechsynth");
        assertThat(error.canContinue()).isFalse();
    }

    @Test
    void unreadableStartLineWithFramedHeadIsUnanswerableButSkippable() {
        List<Object> out = decode(bytes("MRCP/2.0 50 SPEAK\r\nChannel-Identifier: a@s\r\n\r\n" + STOP_72));
        MrcpDecodeError error = (MrcpDecodeError) out.get(0);
        assertThat(error.isAnswerable()).isFalse();
        assertThat(error.canContinue()).isTrue();
        assertThat(out.get(1)).isInstanceOf(MrcpRequest.class);
    }

    @Test
    void blankLinesBetweenMessagesAndFoldedHeadersAreTolerated() {
        String folded = "MRCP/2.0 1 SET-PARAMS 3\r\nChannel-Identifier: a@speechsynth\r\n"
                + "Vendor-Specific-Parameters: a=1;\r\n  b=2\r\n\r\n";
        List<Object> out = decode(bytes("\r\n" + folded + "\r\n\r\n" + STOP_72));
        assertThat(out).hasSize(2);
        assertThat(((MrcpRequest) out.get(0)).headers().get(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS))
                .isEqualTo("a=1; b=2");
    }

    @Test
    void messageLengthHandlesTheDigitCarry() {
        assertThat(MrcpEncoder.messageLength(95)).isEqualTo(97);
        assertThat(MrcpEncoder.messageLength(97)).isEqualTo(99);
        assertThat(MrcpEncoder.messageLength(98)).isEqualTo(101);
        assertThat(MrcpEncoder.messageLength(99)).isEqualTo(102);
        assertThat(MrcpEncoder.messageLength(996)).isEqualTo(999);
        assertThat(MrcpEncoder.messageLength(997)).isEqualTo(1001);
        // every encoded size around the carry points declares exactly its own length
        for (int pad = 0; pad < 1200; pad++) {
            byte[] wire = MrcpEncoder.encode(new MrcpRequest("SPEAK", 1, channel(), Body.of(new byte[pad])));
            String first = new String(wire, 0, 24, StandardCharsets.US_ASCII);
            assertThat(Long.parseLong(first.split(" ")[1])).isEqualTo(wire.length);
        }
    }

    @Test
    void encoderReplacesAGivenContentLengthByTheBodyLength() {
        MrcpRequest r = new MrcpRequest("SPEAK", 1, channel().toBuilder().add("Content-Length", "999").build(),
                Body.of(bytes("abc")));
        String wire = new String(MrcpEncoder.encode(r), StandardCharsets.UTF_8);
        assertThat(wire).contains("Content-Length: 3\r\n").doesNotContain("999");
        assertThat(new String(MrcpEncoder.encode(new MrcpRequest("STOP", 1, channel())), StandardCharsets.UTF_8))
                .doesNotContain("Content-Length");
    }

    @Test
    void headersRejectLineBreaksAndKeepOrderAndSpelling() {
        assertThatThrownBy(() -> MrcpHeaders.builder().add("X", "a\r\nEvil: 1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MrcpHeaders.builder().add("Bad Name", "v"))
                .isInstanceOf(IllegalArgumentException.class);
        MrcpHeaders h = MrcpHeaders.builder().add("voice-NAME", "a").add("X", "1").add("Voice-Name", "b").build();
        assertThat(h.get("Voice-Name")).isEqualTo("a");
        assertThat(h.getAll("VOICE-name")).containsExactly("a", "b");
        MrcpHeaders set = h.toBuilder().set("Voice-Name", "c").build();
        assertThat(set.entries()).extracting(MrcpHeader::name).containsExactly("Voice-Name", "X");
        assertThat(set.get("voice-name")).isEqualTo("c");
    }

    @Test
    void completionCauseWireFormat() {
        assertThat(CompletionCause.CANCELLED.headerValue()).isEqualTo("007 cancelled");
        assertThat(CompletionCause.parse("001 barge-in")).isEqualTo(CompletionCause.BARGE_IN);
        assertThat(CompletionCause.parse("4")).isEqualTo(CompletionCause.ERROR);
        assertThat(CompletionCause.parse("normal")).isNull();
        assertThat(CompletionCause.parse("042 whatever")).isNull();
    }
}
