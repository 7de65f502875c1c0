package io.voxcpm.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.voxcpm.mrcp.synth.SynthSettings;
import io.voxcpm.net.IpNetwork;
import io.voxcpm.session.SessionManager;
import io.voxcpm.sip.SipLimits;
import java.time.Duration;
import java.util.List;

/**
 * The {@code limits:} section: what one caller or one source may hold or cost, so that no single source takes
 * sessions, signalling state or attention from the others. (The session caps themselves are
 * {@code synth.max-sessions} and {@code synth.max-sessions-per-address}.)
 *
 * @param sessionMaxDurationS       a session is ended (BYE) after this long, whatever it does
 * @param sessionIdleAfterSpeakS    a session that has used MRCP and sends no request this long while not
 *                                  speaking is ended (BYE): a client that never sends BYE cannot hold it forever
 * @param sipAllowedNetworks        when not empty, SIP from anywhere else is dropped unanswered (CIDR list)
 * @param sipInvitesPerSecond       new INVITEs a second from one source IP (0: no limit); more get 503 + Retry-After
 * @param sipInviteBurst            new INVITEs one source may send at once
 * @param sipTransactionsPerSource  SIP transactions in progress one source IP may hold; more get 503 + Retry-After
 *                                  (finished ones, kept to absorb retransmissions, are bounded apart: see SipLimits)
 * @param sipRejectionsPerSecond    error responses sent to one source a second; past it, requests are dropped
 *                                  (no amplification towards a spoofed source; 0: no limit)
 * @param sipAckTimeoutMs           a UDP 200 OK without ACK this long ends the call and frees its RTP port
 * @param setParamsMaxCount         session parameters (SET-PARAMS headers and vendor parameters) kept per session
 * @param setParamsMaxBytes         total size of a session's stored parameter values
 * @param sipAwaitingAckMax         new UDP sessions at once whose INVITE no ACK has confirmed yet (what spoofed
 *                                  INVITEs can hold); more get 503 + Retry-After (0: no cap)
 * @param sipAwaitingAckPerSource   the same, from one source IP (0: no cap)
 */
public record LimitsConfig(@JsonProperty("session-max-duration-s") Integer sessionMaxDurationS,
                           @JsonProperty("session-idle-after-speak-s") Integer sessionIdleAfterSpeakS,
                           @JsonProperty("sip-allowed-networks") List<String> sipAllowedNetworks,
                           @JsonProperty("sip-invites-per-second") Double sipInvitesPerSecond,
                           @JsonProperty("sip-invite-burst") Integer sipInviteBurst,
                           @JsonProperty("sip-transactions-per-source") Integer sipTransactionsPerSource,
                           @JsonProperty("sip-rejections-per-second") Double sipRejectionsPerSecond,
                           @JsonProperty("sip-ack-timeout-ms") Integer sipAckTimeoutMs,
                           @JsonProperty("set-params-max-count") Integer setParamsMaxCount,
                           @JsonProperty("set-params-max-bytes") Integer setParamsMaxBytes,
                           @JsonProperty("sip-awaiting-ack-max") Integer sipAwaitingAckMax,
                           @JsonProperty("sip-awaiting-ack-per-source") Integer sipAwaitingAckPerSource) {

    public static final LimitsConfig DEFAULTS = new LimitsConfig(null, null, null, null, null, null, null, null, null,
            null, null, null);

    public LimitsConfig {
        sessionMaxDurationS = or(sessionMaxDurationS, (int) SessionManager.Settings.DEFAULT_MAX_DURATION.toSeconds());
        sessionIdleAfterSpeakS = or(sessionIdleAfterSpeakS, (int) SessionManager.Settings.DEFAULT_IDLE_AFTER_USE.toSeconds());
        sipAllowedNetworks = sipAllowedNetworks == null ? List.of() : List.copyOf(sipAllowedNetworks);
        sipInvitesPerSecond = or(sipInvitesPerSecond, SipLimits.DEFAULTS.invitesPerSecond());
        sipInviteBurst = or(sipInviteBurst, SipLimits.DEFAULTS.inviteBurst());
        sipTransactionsPerSource = or(sipTransactionsPerSource, SipLimits.DEFAULTS.maxTransactionsPerSource());
        sipRejectionsPerSecond = or(sipRejectionsPerSecond, SipLimits.DEFAULTS.rejectionsPerSecond());
        sipAckTimeoutMs = or(sipAckTimeoutMs, (int) SipLimits.DEFAULTS.ackTimeout().toMillis());
        setParamsMaxCount = or(setParamsMaxCount, SynthSettings.DEFAULTS.maxParameters());
        setParamsMaxBytes = or(setParamsMaxBytes, SynthSettings.DEFAULTS.maxParameterBytes());
        sipAwaitingAckMax = or(sipAwaitingAckMax, SipLimits.DEFAULTS.maxAwaitingAck());
        sipAwaitingAckPerSource = or(sipAwaitingAckPerSource, SipLimits.DEFAULTS.maxAwaitingAckPerSource());
    }

    /** The SIP layer's share; call on a validated configuration. */
    public SipLimits sip() {
        return new SipLimits(Duration.ofMillis(sipAckTimeoutMs), sipTransactionsPerSource, sipInvitesPerSecond,
                sipInviteBurst, sipRejectionsPerSecond, sipAllowedNetworks.stream().map(IpNetwork::parse).toList(),
                sipAwaitingAckMax, sipAwaitingAckPerSource);
    }

    void check(List<String> problems) {
        if (sessionMaxDurationS < 1 || sessionIdleAfterSpeakS < 1) {
            problems.add("limits.session-max-duration-s and limits.session-idle-after-speak-s must be at least 1");
        }
        if (sipInvitesPerSecond < 0 || sipRejectionsPerSecond < 0 || sipInviteBurst < 1
                || sipTransactionsPerSource < 1 || sipAckTimeoutMs < 1) {
            problems.add("limits.sip-*: rates must be 0 (no limit) or more, burst, transactions and ack timeout at "
                    + "least 1");
        }
        if (sipAwaitingAckMax < 0 || sipAwaitingAckPerSource < 0) {
            problems.add("limits.sip-awaiting-ack-max and limits.sip-awaiting-ack-per-source must be 0 (no cap) or "
                    + "more, got " + sipAwaitingAckMax + " and " + sipAwaitingAckPerSource);
        }
        if (setParamsMaxCount < 1 || setParamsMaxBytes < 256) {
            problems.add("limits.set-params-max-count must be at least 1 and limits.set-params-max-bytes at least 256");
        }
        for (String network : sipAllowedNetworks) {
            try {
                IpNetwork.parse(network);
            } catch (IllegalArgumentException e) {
                problems.add("limits.sip-allowed-networks: " + e.getMessage());
            }
        }
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
