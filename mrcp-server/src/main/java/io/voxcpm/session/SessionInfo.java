package io.voxcpm.session;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A live session as operators see it (admin listing, metrics).
 *
 * @param sessionId the id in the SDP answer's {@code a=channel}, and the first word of every log line's tag
 * @param callId    the SIP Call-ID
 * @param remote    where the INVITE came from
 * @param transport {@code UDP} or {@code TCP}
 * @param userAgent the client's User-Agent, or null
 * @param media     codec, ptime and where RTP goes
 * @param openedAt  when the INVITE was answered
 */
public record SessionInfo(String sessionId, String callId, InetSocketAddress remote, String transport,
                          String userAgent, String media, Instant openedAt) { }
