package io.voxcpm.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.server.MrcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The limits of the MRCP listener over real sockets; 127.0.0.2 and .3 stand for other client hosts. */
class TcpConnectionLimitsTest {

    private MrcpServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private MrcpServer start(TcpLimits limits) throws IOException {
        server = MrcpServer.builder(new MrcpChannelRegistry())
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .tcpLimits(limits).start();
        return server;
    }

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        s.setSoTimeout(300);
        sockets.add(s);
        return s;
    }

    /** True when the server has closed the connection (EOF), false when it is still open. */
    private static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void connectionsOverTheGlobalOrPerAddressCapAreClosed() throws Exception {
        start(new TcpLimits(3, 2, Duration.ofSeconds(10), 1 << 20));
        Socket a1 = connect("127.0.0.1");
        Socket a2 = connect("127.0.0.1");
        Socket a3 = connect("127.0.0.1");
        assertThat(closedByServer(a1)).isFalse();
        assertThat(closedByServer(a2)).isFalse();
        assertThat(closedByServer(a3)).as("third from one address").isTrue();
        // the refused one gave its place back when refused, before its close has run
        Socket b1 = connect("127.0.0.2");
        Socket c1 = connect("127.0.0.3");
        assertThat(closedByServer(b1)).as("another address still gets in").isFalse();
        assertThat(closedByServer(c1)).as("fourth in all").isTrue();
        a1.close();
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(closedByServer(connect("127.0.0.1"))).as("a freed slot is reusable").isFalse());
    }

    @Test
    void aClientThatNeverReadsStopsBeingReadAndCannotGrowServerMemory() throws Exception {
        start(new TcpLimits(10, 10, Duration.ofSeconds(10), 1 << 20));
        // one INFO line per unknown-channel request would itself slow the server to the writer's pace
        ch.qos.logback.classic.Logger handlerLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("io.voxcpm.mrcp.server.MrcpConnectionHandler");
        ch.qos.logback.classic.Level was = handlerLog.getLevel();
        handlerLog.setLevel(ch.qos.logback.classic.Level.WARN);
        try {
            floodWithoutReading();
        } finally {
            handlerLog.setLevel(was);
        }
    }

    private void floodWithoutReading() throws Exception {
        Socket greedy = connect("127.0.0.1");
        greedy.setReceiveBufferSize(4096);
        // each request is answered 403 (no such channel): the responses are what would pile up
        byte[] request = ("MRCP/2.0 76 GET-PARAMS 1\r\nChannel-Identifier: 00000000000000@speechsynth\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = greedy.getOutputStream();
                while (written.get() < 200L * 1024 * 1024) {
                    out.write(request);  // one request per write: progress is visible to the byte
                    written.addAndGet(request.length);
                }
            } catch (IOException e) {
                // closed: fine either way
            }
        }, "greedy-writer");
        writer.setDaemon(true);
        writer.start();
        // on a loaded machine the server takes a while to fill the socket buffers: wait for the writes to stall
        // (no progress for two seconds) rather than for a fixed time
        long[] last = {-1};
        long[] unchangedSince = {System.nanoTime()};
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            long now = System.nanoTime();
            if (written.get() != last[0]) {
                last[0] = written.get();
                unchangedSince[0] = now;
            }
            return now - unchangedSince[0] >= 2_000_000_000L;
        });
        assertThat(writer.isAlive()).as("blocked in write, not cut off").isTrue();
        assertThat(written.get()).as("the server stopped reading long before the client's writes grew its memory")
                .isLessThan(64L * 1024 * 1024);
        // another client is served meanwhile
        Socket other = connect("127.0.0.1");
        other.setSoTimeout(5000);
        other.getOutputStream().write(request);
        InputStream in = other.getInputStream();
        assertThat(new String(in.readNBytes(17), StandardCharsets.US_ASCII)).startsWith("MRCP/2.0 ");
        greedy.close();
        writer.join(5000);
    }
}
