package io.voxcpm.net;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * A server TLS context from PEM files: the certificate chain (leaf first) and its PKCS#8 private key, as
 * cert-manager, Let's Encrypt clients and {@code openssl req -newkey} write them, and optionally the CA
 * certificates a client must present a certificate from (mutual TLS). Each problem names the file, so a
 * start-up with a wrong path or a key that does not match fails with a message to act on. One context
 * serves every connection of a listener (SIP/TLS, MRCP over TLS, the management port).
 */
public final class PemTls {

    private PemTls() { }

    public static SslContext server(Path certificateChain, Path privateKey) throws IOException {
        return server(certificateChain, privateKey, null);
    }

    /** @param clientCa null, or PEM CA certificates: then every client must present a certificate they signed */
    public static SslContext server(Path certificateChain, Path privateKey, Path clientCa) throws IOException {
        readable(certificateChain, "certificate");
        readable(privateKey, "private key");
        if (clientCa != null) {
            readable(clientCa, "client CA");
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile());
            if (clientCa != null) {
                builder.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return builder.build();
        } catch (IllegalArgumentException | SSLException e) {
            throw new IOException("cannot use TLS certificate " + certificateChain + " with key " + privateKey
                    + (clientCa == null ? "" : " and client CA " + clientCa) + ": " + rootMessage(e)
                    + " (PEM certificate chain and an unencrypted PKCS#8 PEM key expected;"
                    + " convert an RSA key with: openssl pkcs8 -topk8 -nocrypt)", e);
        }
    }

    /** Whether the channel speaks TLS (its pipeline starts with an SslHandler). */
    public static boolean isTls(Channel channel) {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    /**
     * Whether a pipeline error is a peer's failed TLS: plain bytes on a TLS port, a handshake it could not
     * complete (no certificate, a foreign one). A client's mistake: logged in one line, no stack trace.
     */
    public static boolean isPeerTlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NotSslRecordException || t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static void readable(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("TLS " + what + " " + file + " does not exist");
        }
        if (!Files.isReadable(file)) {
            throw new IOException("TLS " + what + " " + file + " is not readable by this user");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
