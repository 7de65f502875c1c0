package io.voxcpm.sip;

import io.netty.handler.ssl.SslContext;
import java.util.Objects;

/**
 * SIP over TLS (RFC 3261 §26.2): a TCP port whose connections start with a TLS handshake and then carry
 * SIP as SIP/TCP does. Responses go back on the same connection and the Contact says {@code transport=tls}.
 *
 * @param port    the TLS port (conventionally 5061; 0 picks a free one)
 * @param context the server's certificate (and, for mutual TLS, the client CA), e.g. from
 *                {@link io.voxcpm.net.PemTls}
 */
public record SipTls(int port, SslContext context) {

    public SipTls {
        Objects.requireNonNull(context, "context");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("SIP TLS port out of range: " + port);
        }
    }
}
