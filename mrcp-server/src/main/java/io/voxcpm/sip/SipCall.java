package io.voxcpm.sip;

import java.net.InetSocketAddress;

/**
 * The identity of one SIP dialog as the application sees it.
 *
 * @param callId          the Call-ID, which is also what every log line of the call carries
 * @param remote          the address the request came from
 * @param local           the local address the request arrived on (its IP is what the SDP answer advertises
 *                        unless an external address is configured)
 * @param transport       {@code UDP} or {@code TCP}
 * @param requestUser     the user part of the Request-URI (UniMRCP's {@code server-username}), or null
 * @param userAgent       the User-Agent header, or null
 */
public record SipCall(String callId, InetSocketAddress remote, InetSocketAddress local, String transport,
                      String requestUser, String userAgent) { }
