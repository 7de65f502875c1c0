package io.voxcpm.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The SDP reader's line ends: CRLF, LF and a lone CR each end one line, and blank lines are skipped. */
class SdpParserTest {

    @Test
    void crlfLfAndALoneCrEachEndOneLineAndBlankLinesAreSkipped() throws SdpException {
        String sdp = "v=0\r\no=- 1 1 IN IP4 198.51.100.7\ns=-\rc=IN IP4 198.51.100.7\r\n\r\n\nt=0 0\r"
                + "m=audio 4002 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\n\r\na=recvonly";
        SessionDescription parsed = SdpParser.parse(sdp);
        assertThat(parsed.connectionAddress()).contains("198.51.100.7");
        assertThat(parsed.media()).singleElement().satisfies(m -> {
            assertThat(m.port()).isEqualTo(4002);
            assertThat(m.formats()).isEqualTo(List.of("0", "8"));
            assertThat(m.attributes("rtpmap")).containsExactly("0 PCMU/8000");
            assertThat(m.attribute("recvonly")).isPresent();
        });
    }

    @Test
    void aLineThatIsNotSdpIsNamedInTheError() {
        assertThatThrownBy(() -> SdpParser.parse("v=0\r\nhello\r\n")).isInstanceOf(SdpException.class)
                .hasMessageContaining("not an SDP line: hello");
        assertThatThrownBy(() -> SdpParser.parse("")).isInstanceOf(SdpException.class)
                .hasMessageContaining("no v= line");
    }
}
