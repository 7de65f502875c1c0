package io.voxcpm.mrcp.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.voxcpm.mrcp.message.MrcpDecoder;
import io.voxcpm.mrcp.message.MrcpEncoder;
import io.voxcpm.mrcp.message.MrcpMessage;
import io.voxcpm.mrcp.message.MrcpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A blocking MRCP client on a plain socket; replies are parsed with the real decoder. */
final class TestClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final EmbeddedChannel decoder = new EmbeddedChannel(new MrcpDecoder());

    TestClient(int port) throws IOException {
        this(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** Over a socket already connected, e.g. an SSLSocket. */
    TestClient(Socket connected) throws IOException {
        socket = connected;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void send(MrcpMessage... messages) throws IOException {
        for (MrcpMessage message : messages) {
            out.write(MrcpEncoder.encode(message));
        }
        out.flush();
    }

    void sendRaw(String text) throws IOException {
        sendRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next decoded message, waiting up to the socket timeout. */
    Object receive() throws IOException {
        byte[] buf = new byte[4096];
        while (true) {
            Object decoded = decoder.readInbound();
            if (decoded != null) {
                return decoded;
            }
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed by the server");
            }
            decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
        }
    }

    MrcpResponse receiveResponse() throws IOException {
        return (MrcpResponse) receive();
    }

    /** True when the server closes the connection (EOF or reset) within the socket timeout. */
    boolean closedByServer() throws IOException {
        return closedByServer(socket.getSoTimeout());
    }

    /** True when the server closes the connection within {@code millis}; unread input is dropped. */
    boolean closedByServer(int millis) throws IOException {
        socket.setSoTimeout(millis);
        byte[] buf = new byte[4096];
        try {
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        decoder.finishAndReleaseAll();
    }
}
