package io.voxcpm.sip;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What a dialog keeps of its INVITE for the whole call: the four strings a BYE needs, not the parsed INVITE. */
class DialogTest {

    private static final String INVITE = String.join("\r\n",
            "INVITE sip:voxcpm@192.0.2.1:8060 SIP/2.0",
            "Via: SIP/2.0/UDP 198.51.100.7:5090;branch=z9hG4bK-1;rport",
            "Record-Route: <sip:proxy1.example.net;lr>",
            "Record-Route: <sip:proxy2.example.net;lr>, <sip:proxy3.example.net;lr>",
            "Max-Forwards: 70",
            "From: \"Front desk\" <sip:pbx@198.51.100.7>;tag=abc",
            "To: <sip:voxcpm@192.0.2.1:8060>",
            "Contact: <sip:pbx@198.51.100.7:5090;transport=udp>",
            "Call-ID: call-1",
            "CSeq: 1 INVITE",
            "Content-Type: application/sdp",
            "Content-Length: 4",
            "",
            "v=0\n");

    @Test
    void aByeIsWrittenFromTheInvitesContactTagsAndRouteSet() throws Exception {
        SIPRequest invite = (SIPRequest) new StringMsgParser()
                .parseSIPMessage(INVITE.getBytes(StandardCharsets.UTF_8), true, false, null);

        Dialog.ByeHeaders bye = Dialog.ByeHeaders.of(invite, "ourtag");

        assertThat(bye.target()).isEqualTo("sip:pbx@198.51.100.7:5090;transport=udp");
        assertThat(bye.from()).isEqualTo("<sip:voxcpm@192.0.2.1:8060>;tag=ourtag");
        assertThat(bye.to()).isEqualTo("\"Front desk\" <sip:pbx@198.51.100.7>;tag=abc");
        assertThat(bye.routes()).containsExactly("<sip:proxy1.example.net;lr>", "<sip:proxy2.example.net;lr>",
                "<sip:proxy3.example.net;lr>");
    }

    @Test
    void withoutAContactTheByeGoesToTheFromUri() throws Exception {
        SIPRequest invite = (SIPRequest) new StringMsgParser().parseSIPMessage(
                INVITE.replaceAll("Contact: [^\r]*\r\n", "").getBytes(StandardCharsets.UTF_8), true, false, null);

        assertThat(Dialog.ByeHeaders.of(invite, "t").target()).isEqualTo("sip:pbx@198.51.100.7");
    }

    @Test
    void noDialogOrAcknowledgedTransactionHoldsAParsedInvite() throws Exception {
        // ~2 KB of header objects and SDP a call, for as long as the call lasts (or Timer H after its ACK)
        assertThat(Arrays.stream(Dialog.class.getDeclaredFields()).map(Field::getType))
                .doesNotContain((Class) SIPRequest.class);
        assertThat(Arrays.stream(Dialog.ByeHeaders.class.getDeclaredFields()).map(Field::getType))
                .doesNotContain((Class) SIPRequest.class);

        SIPRequest invite = (SIPRequest) new StringMsgParser()
                .parseSIPMessage(INVITE.getBytes(StandardCharsets.UTF_8), true, false, null);
        EmbeddedChannel channel = new EmbeddedChannel();
        ServerTransaction tx = new ServerTransaction("key", invite,
                new Route(channel, new InetSocketAddress("127.0.0.1", 5090), true), "ourtag", null, true, t -> { });
        tx.complete(new byte[] {'2'}, 200);
        tx.acked();
        assertThat(tx.request).isNull();
        assertThat(tx.isInvite()).isTrue();
        assertThat(tx.fromTag).isEqualTo("abc");
        channel.finishAndReleaseAll();
    }
}
