package io.voxcpm.ops.http;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server TLS context from PEM files: the certificate chain (leaf first) and its PKCS#8 private key, as
 * cert-manager, Let's Encrypt clients and {@code openssl req -newkey} write them. Each problem names the
 * file, so a start-up with a wrong path or a key that does not match fails with a message to act on.
 */
public final class PemTls {

    private PemTls() { }

    public static SslContext server(Path certificateChain, Path privateKey) throws IOException {
        readable(certificateChain, "certificate");
        readable(privateKey, "private key");
        try {
            return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile()).build();
        } catch (IllegalArgumentException | javax.net.ssl.SSLException e) {
            throw new IOException("cannot use TLS certificate " + certificateChain + " with key " + privateKey
                    + ": " + rootMessage(e) + " (PEM certificate chain and an unencrypted PKCS#8 PEM key expected;"
                    + " convert an RSA key with: openssl pkcs8 -topk8 -nocrypt)", e);
        }
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
