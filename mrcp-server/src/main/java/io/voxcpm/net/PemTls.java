package io.voxcpm.net;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
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

    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";

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
        checkPair(certificateChain, privateKey);
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

    /**
     * The JDK provider only finds a key that does not belong to the certificate at the first handshake:
     * sign with the key and verify with the certificate now, so start-up fails instead.
     */
    private static void checkPair(Path chain, Path key) throws IOException {
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(chain)) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException("TLS certificate " + chain + " is not a PEM X.509 certificate: " + rootMessage(e), e);
        }
        String pem = Files.readString(key, StandardCharsets.US_ASCII);
        int begin = pem.indexOf(PKCS8_BEGIN);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        String algorithm = leaf.getPublicKey().getAlgorithm();
        String signature = switch (algorithm) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (begin < 0 || end < begin || signature == null) {
            return;  // not PKCS#8 (Netty names the problem) or a key type we do not probe
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
            PrivateKey privateKey = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            byte[] probe = "voxcpm-mrcp key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(signature);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(signature);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signed)) {
                return;
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // a key of another type than the certificate's lands here too
        }
        throw new IOException("cannot use TLS certificate " + chain + " with key " + key
                + ": the key does not belong to the certificate");
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
