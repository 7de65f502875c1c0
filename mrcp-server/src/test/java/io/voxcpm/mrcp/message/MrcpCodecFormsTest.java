package io.voxcpm.mrcp.message;

import static io.voxcpm.mrcp.message.Wire.bytes;
import static io.voxcpm.mrcp.message.Wire.concat;
import static io.voxcpm.mrcp.message.Wire.decode;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The codec's hand-written readers and writer against the forms they replaced: start lines split at runs of
 * blanks (no regex), header lines decoded as ASCII or UTF-8 in place, and the pipeline encoder writing into
 * its buffer exactly what {@link MrcpEncoder#encode(MrcpMessage)} returns.
 */
class MrcpCodecFormsTest {

    private static final String STOP_72 = "MRCP/2.0 72 STOP 2\r\n"
            + "Channel-Identifier: 6f1b2c3d4e5f6a7b@speechsynth\r\n"
            + "\r\n";

    private static MrcpHeaders channel() {
        return MrcpHeaders.ofChannel("32AECB23433801@speechsynth");
    }

    @Test
    void startLineTokensAreSplitAtAnyRunOfBlanksAndAreFourOrFive() {
        String tabs = "MRCP/2.0\t 99  SPEAK \t 5 \r\nChannel-Identifier: a@speechsynth\r\n\r\n";
        String six = "MRCP/2.0 99 SPEAK 6 IN-PROGRESS x\r\nChannel-Identifier: a@speechsynth\r\n\r\n";
        String noDigitsInVersion = "MRCP/2. 99 SPEAK 7\r\nChannel-Identifier: a@speechsynth\r\n\r\n";
        List<Object> out = decode(bytes(tabs + six + noDigitsInVersion + STOP_72));
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isEqualTo(new MrcpRequest("SPEAK", 5, MrcpHeaders.ofChannel("a@speechsynth")));
        assertThat(((MrcpDecodeError) out.get(1)).reason()).isEqualTo("unreadable start line");
        assertThat(((MrcpDecodeError) out.get(2)).reason()).isEqualTo("unreadable start line");
        assertThat(out.get(3)).isInstanceOf(MrcpRequest.class);
    }

    @Test
    void headerLinesAreUtf8AndABadByteOrBareCrIsAnswerable408() {
        String utf8 = "MRCP/2.0 99 SPEAK 1\r\nChannel-Identifier: a@speechsynth\r\nVoice-Name: J\u00fcrgen \u4e2d\r\n\r\n";
        byte[] badByte = concat(bytes("MRCP/2.0 99 SPEAK 2\r\nChannel-Identifier: a@speechsynth\r\nVoice-Name: J"),
                new byte[] {(byte) 0xfc}, bytes("rgen\r\n\r\n"));
        String bareCr = "MRCP/2.0 99 SPEAK 3\r\nChannel-Identifier: a@speechsynth\r\nVoice-Name: a\rb\r\n\r\n";
        List<Object> out = decode(concat(bytes(utf8), badByte, bytes(bareCr + STOP_72)));
        assertThat(out).hasSize(4);
        assertThat(((MrcpRequest) out.get(0)).headers().get("voice-name")).isEqualTo("J\u00fcrgen \u4e2d");
        MrcpDecodeError notUtf8 = (MrcpDecodeError) out.get(1);
        assertThat(notUtf8.reason()).isEqualTo("header line is not UTF-8");
        assertThat(notUtf8.toResponse()).isEqualTo(new MrcpResponse(2, 408, RequestState.COMPLETE,
                MrcpHeaders.ofChannel("a@speechsynth")));
        assertThat(((MrcpDecodeError) out.get(2)).reason()).isEqualTo("bare CR in header line");
        assertThat(out.get(3)).isInstanceOf(MrcpRequest.class);
    }

    @Test
    void thePipelineEncoderWritesTheSameBytesAsEncode() {
        List<MrcpMessage> messages = new ArrayList<>(List.of(
                MrcpRequest.withText("SPEAK", 1, channel().toBuilder().add("Content-Type", "text/plain").build(),
                        "Hello from the Java server."),
                new MrcpResponse(1, 200, RequestState.IN_PROGRESS, channel()),
                new MrcpEvent("SPEAK-COMPLETE", 1, RequestState.COMPLETE, channel().toBuilder()
                        .add("Completion-Cause", CompletionCause.NORMAL.headerValue()).build()),
                new MrcpRequest("STOP", 2, channel())));
        messages.add(MrcpRequest.withText("SPEAK", 4294967295L, channel(), "Gr\u00fc\u00dfe \u4e2d\u56fd".repeat(9)));
        messages.add(new MrcpResponse(1, 200, RequestState.IN_PROGRESS, MrcpHeaders.builder()
                .add("Channel-Identifier", "j\u00fcrgen@speechsynth").build()));
        for (int pad = 0; pad < 12; pad++) { // message-lengths across the 99/100 and 999/1000 digit carries
            messages.add(MrcpRequest.withText("SPEAK", 1, channel(), "x".repeat(pad * 90 + 1)));
        }
        EmbeddedChannel ch = new EmbeddedChannel(new MrcpEncoder());
        for (MrcpMessage m : messages) {
            assertThat(ch.writeOutbound(m)).isTrue();
            ByteBuf out = ch.readOutbound();
            try {
                assertThat(ByteBufUtil.getBytes(out)).as(m.toString()).isEqualTo(MrcpEncoder.encode(m));
            } finally {
                out.release();
            }
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
