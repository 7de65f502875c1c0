package io.voxcpm.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The header names read from a raw header block: every line end, compact forms, continuations. */
class HeaderBlockTest {

    @Test
    void aSingleValuedHeaderGivenTwiceIsFoundInAnyFormAndLineEnd() {
        assertThat(HeaderBlock.duplicatedSingleHeader("INVITE sip:a SIP/2.0\r\nTo: <sip:a>\r\nt: <sip:b>\r\n"))
                .isEqualTo("to");
        assertThat(HeaderBlock.duplicatedSingleHeader("INVITE sip:a SIP/2.0\nCall-ID : x\nVia: a\ni:y")).isEqualTo("call-id");
        assertThat(HeaderBlock.duplicatedSingleHeader("INVITE sip:a SIP/2.0\r\nVia: a\r\nVia: b\r\nCSeq: 1 INVITE\r\n"))
                .as("Via may repeat").isNull();
        assertThat(HeaderBlock.duplicatedSingleHeader("INVITE sip:a SIP/2.0\r\nSubject: x\r\n To: a continuation\r\nTo: y"))
                .as("a continuation line names no header").isNull();
        assertThat(HeaderBlock.duplicatedSingleHeader("INVITE sip:To: SIP/2.0\r\nTo: y")).as("the start line is not a header")
                .isNull();
        assertThat(HeaderBlock.duplicatedSingleHeader("INVITE sip:a SIP/2.0")).isNull();
    }

    @Test
    void contentLengthIsReadInEitherFormAndConflictsAreRefused() {
        assertThat(HeaderBlock.contentLength("INVITE sip:a SIP/2.0\r\nContent-Length:  12 \r\n")).isEqualTo(12);
        assertThat(HeaderBlock.contentLength("INVITE sip:a SIP/2.0\nl: 7\nL: 7")).isEqualTo(7);
        assertThat(HeaderBlock.contentLength("INVITE sip:a SIP/2.0\r\nVia: x\r\n")).isEqualTo(-1);
        assertThatThrownBy(() -> HeaderBlock.contentLength("INVITE sip:a SIP/2.0\r\nl: 7\r\nContent-Length: 8\r\n"))
                .hasMessage("conflicting Content-Length values");
        assertThatThrownBy(() -> HeaderBlock.contentLength("INVITE sip:a SIP/2.0\r\nContent-Length: -1\r\n"))
                .hasMessage("bad Content-Length: -1");
    }
}
