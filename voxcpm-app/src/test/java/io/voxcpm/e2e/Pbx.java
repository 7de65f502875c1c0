package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.RtpConfig;
import io.voxcpm.server.SipEndpointConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shorthands for the PBX-side suites: a server around the stand-in engine, and calls opened on it. */
final class Pbx {

    static final String PCMU = "a=rtpmap:0 PCMU/8000\r\n";

    private Pbx() {
    }

    static ServerConfig config(int rtpBase, SynthConfig synth, MrcpConfig mrcp) {
        return ServerConfig.DEFAULTS
                .withSip(new SipEndpointConfig("127.0.0.1", 0, null, 100))
                .withMrcp(mrcp)
                .withRtp(new RtpConfig(rtpBase, rtpBase + 998, 20))
                .withSynth(synth);
    }

    static InetSocketAddress sip(VoxcpmMrcpServer server) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.sipPort());
    }

    /** INVITE (PCMU), 200, ACK and the MRCP connection: a call ready for SPEAK. */
    static UniMrcpClientSim call(VoxcpmMrcpServer server) throws IOException {
        UniMrcpClientSim pbx = new UniMrcpClientSim(sip(server));
        String response = pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", PCMU));
        assertThat(response).startsWith("SIP/2.0 200");
        pbx.connectMrcp();
        return pbx;
    }

    static Map<String, String> headers(String... nameValues) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.put(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    static UniMrcpClientSim.MrcpMessage send(UniMrcpClientSim pbx, String method, long id, Map<String, String> headers)
            throws IOException {
        pbx.sendMrcp(method, id, headers, null, null);
        return pbx.readMrcp(Duration.ofSeconds(5));
    }

    static UniMrcpClientSim.MrcpMessage speak(UniMrcpClientSim pbx, long id, String text) throws IOException {
        return speak(pbx, id, Map.of(), "text/plain", text);
    }

    static UniMrcpClientSim.MrcpMessage speak(UniMrcpClientSim pbx, long id, Map<String, String> headers,
                                              String type, String body) throws IOException {
        pbx.sendMrcp("SPEAK", id, headers, type, body);
        return pbx.readMrcp(Duration.ofSeconds(5));
    }

    static UniMrcpClientSim.MrcpMessage next(UniMrcpClientSim pbx) throws IOException {
        return pbx.readMrcp(Duration.ofSeconds(15));
    }

    /** The status code of a response start line {@code MRCP/2.0 len id status state}. */
    static int status(UniMrcpClientSim.MrcpMessage m) {
        return Integer.parseInt(m.startLine().split(" ")[3]);
    }
}
