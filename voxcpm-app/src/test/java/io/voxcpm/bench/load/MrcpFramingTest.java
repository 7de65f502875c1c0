package io.voxcpm.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MrcpFramingTest {

    static String message(String afterLength) {
        int fixed = "MRCP/2.0 ".length() + afterLength.length();
        int length = fixed + 1;
        while (length != fixed + String.valueOf(length).length()) {
            length = fixed + String.valueOf(length).length();
        }
        return "MRCP/2.0 " + length + afterLength;
    }

    static final String IN_PROGRESS = message(" 1 200 IN-PROGRESS\r\nChannel-Identifier: 32AECB23433801@speechsynth\r\n\r\n");
    static final String COMPLETE = message(" SPEAK-COMPLETE 1 COMPLETE\r\nChannel-Identifier: 32AECB23433801@speechsynth\r\n"
            + "Completion-Cause: 000 normal\r\n\r\n");

    @Test
    void everySplitOffsetYieldsTheSameTwoMessages() {
        byte[] stream = (IN_PROGRESS + COMPLETE).getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= stream.length; split++) {
            List<String> seen = new ArrayList<>();
            ByteBuffer in = ByteBuffer.allocate(4096);
            in.put(stream, 0, split);
            MrcpFraming.drain(in, (start, channel, end) -> seen.add(String.join(" ", start) + " @" + channel));
            in.put(stream, split, stream.length - split);
            MrcpFraming.drain(in, (start, channel, end) -> seen.add(String.join(" ", start) + " @" + channel));
            assertThat(seen).as("split at %d", split).containsExactly(
                    IN_PROGRESS.substring(0, IN_PROGRESS.indexOf('\r')) + " @32AECB23433801@speechsynth",
                    COMPLETE.substring(0, COMPLETE.indexOf('\r')) + " @32AECB23433801@speechsynth");
            assertThat(in.position()).isZero();
        }
    }

    @Test
    void theLengthFieldCountsItsOwnDigitsAndABodyIsSkipped() {
        String speak = message(" SPEAK 7\r\nChannel-Identifier: a@speechsynth\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 5\r\n\r\nhello");
        byte[] b = (speak + IN_PROGRESS).getBytes(StandardCharsets.US_ASCII);
        List<Integer> ends = new ArrayList<>();
        int used = MrcpFraming.parse(b, 0, b.length, (start, channel, end) -> ends.add(end));
        assertThat(ends).containsExactly(speak.length(), b.length);
        assertThat(used).isEqualTo(b.length);
    }

    @Test
    void somethingElseIsRefused() {
        byte[] b = "HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> MrcpFraming.parse(b, 0, b.length, (s, c, e) -> { }))
                .isInstanceOf(MrcpFraming.FramingException.class);
        byte[] tiny = "MRCP/2.0 5 x".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> MrcpFraming.parse(tiny, 0, tiny.length, (s, c, e) -> { }))
                .isInstanceOf(MrcpFraming.FramingException.class);
    }
}
