package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.admin.StartupProblems;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SipEndpointConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that cannot start says which port or file, why, and which setting changes it. */
class StartupFailureMessagesTest {

    @TempDir
    Path dir;

    private static ServerConfig config(int sipPort, int mrcpPort) {
        return Pbx.config(39000, SynthConfig.DEFAULTS, new MrcpConfig(mrcpPort, 600, 300))
                .withSip(new SipEndpointConfig("127.0.0.1", sipPort, null, 100));
    }

    @Test
    void anMrcpPortHeldByAnotherProcessIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> VoxcpmMrcpServer.start(config(0, port), new ScriptedStandInEngine()))
                    .isInstanceOf(VoxcpmMrcpServer.StartupException.class)
                    .hasMessage("port " + port + " already in use by another process (MRCPv2 over TCP on 127.0.0.1): "
                            + "stop that process (ss -lntup shows it) or set mrcp.port / --mrcp-port");
        }
    }

    @Test
    void aSipPortHeldByAnotherProcessIsNamedAndTheMrcpPortIsFreedAgain() throws Exception {
        int mrcpPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            mrcpPort = probe.getLocalPort();
        }
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> VoxcpmMrcpServer.start(config(port, mrcpPort), new ScriptedStandInEngine()))
                    .isInstanceOf(VoxcpmMrcpServer.StartupException.class)
                    .hasMessageStartingWith("port " + port + " already in use by another process (SIP over UDP and TCP"
                            + " on 127.0.0.1)")
                    .hasMessageEndingWith("sip.port / --sip-port");
        }
        try (ServerSocket again = new ServerSocket(mrcpPort, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).as("the failed start released what it had bound").isEqualTo(mrcpPort);
        }
    }

    @Test
    void anUnreadableCertificateIsNamedWithItsSetting() throws Exception {
        Path cert = dir.resolve("server.pem");
        assertThat(StartupProblems.unreadableFile("http.tls.certificate", cert))
                .isEqualTo("http.tls.certificate: " + cert + " does not exist");
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n");
        assertThat(StartupProblems.unreadableFile("http.tls.certificate", cert)).isNull();
        Files.setPosixFilePermissions(cert, PosixFilePermissions.fromString("---------"));
        if (!"root".equals(System.getProperty("user.name"))) {
            assertThat(StartupProblems.unreadableFile("http.tls.certificate", cert))
                    .startsWith("http.tls.certificate: " + cert + " is not readable by user ");
        }
        assertThat(StartupProblems.unreadableFile("http.tls.certificate", dir)).endsWith("is a directory, not a file");
    }
}
