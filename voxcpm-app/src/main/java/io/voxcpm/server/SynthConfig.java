package io.voxcpm.server;

import static io.voxcpm.server.ConfigValues.or;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code synth:} section: the synthesizer resource's sessions and SPEAKs.
 *
 * @param playoutMarginMs       how long after the last RTP packet SPEAK-COMPLETE is sent: clients close
 *                              the session on SPEAK-COMPLETE and drop what is still in their jitter buffer
 * @param maxSessions           concurrent sessions before new INVITEs get 480
 * @param speechMarkers         send SPEECH-MARKER events by default (FreeSWITCH and Asterisk treat them as
 *                              errors); a session overrides it with Vendor-Specific-Parameters
 *                              {@code speech-markers=true|false} in SET-PARAMS or SPEAK
 * @param maxPendingSpeaks      SPEAKs queued behind the playing one before more are refused
 * @param maxTextChars          the longest text of one SPEAK, after markup is removed
 * @param sessionIdleTimeoutS   a session whose MRCP channel has not been used this long after the INVITE
 *                              (the client never connected) is ended and its dialog forgotten
 * @param maxSessionsPerAddress concurrent sessions from one client IP before its INVITEs get 480 (default: half
 *                              of maxSessions)
 * @param unknownVoice          {@code reject} (a SPEAK naming an unregistered voice fails with 004) or
 *                              {@code default} (it speaks with the engine's default voice, logged as a WARN)
 */
public record SynthConfig(@JsonProperty("playout-margin-ms") Integer playoutMarginMs,
                          @JsonProperty("max-sessions") Integer maxSessions,
                          @JsonProperty("speech-markers") Boolean speechMarkers,
                          @JsonProperty("max-pending-speaks") Integer maxPendingSpeaks,
                          @JsonProperty("max-text-chars") Integer maxTextChars,
                          @JsonProperty("session-idle-timeout-s") Integer sessionIdleTimeoutS,
                          @JsonProperty("max-sessions-per-address") Integer maxSessionsPerAddress,
                          @JsonProperty("unknown-voice") String unknownVoice) {

    public static final SynthConfig DEFAULTS = new SynthConfig(null, null, null, null);

    public SynthConfig {
        playoutMarginMs = or(playoutMarginMs, 200);
        maxSessions = or(maxSessions, 500);
        speechMarkers = or(speechMarkers, false);
        maxPendingSpeaks = or(maxPendingSpeaks, 16);
        maxTextChars = or(maxTextChars, 20_000);
        sessionIdleTimeoutS = or(sessionIdleTimeoutS, 60);
        // half the global cap: one PBX gets plenty, and one source (a PBX gone wrong, or a stranger) can never
        // take every session from the others; a site with one PBX sets it to max-sessions
        maxSessionsPerAddress = or(maxSessionsPerAddress, Math.max(1, maxSessions / 2));
        unknownVoice = or(unknownVoice, "reject");
    }

    public SynthConfig(Integer playoutMarginMs, Integer maxSessions, Boolean speechMarkers, Integer maxPendingSpeaks) {
        this(playoutMarginMs, maxSessions, speechMarkers, maxPendingSpeaks, null, null, null);
    }

    public SynthConfig(Integer playoutMarginMs, Integer maxSessions, Boolean speechMarkers, Integer maxPendingSpeaks,
                       Integer maxTextChars, Integer sessionIdleTimeoutS, Integer maxSessionsPerAddress) {
        this(playoutMarginMs, maxSessions, speechMarkers, maxPendingSpeaks, maxTextChars, sessionIdleTimeoutS,
                maxSessionsPerAddress, null);
    }

    /** Whether an unregistered voice name falls back to the default voice instead of failing the SPEAK. */
    public boolean unknownVoiceFallsBack() {
        return unknownVoice.equals("default");
    }

    public SynthConfig withUnknownVoice(String value) {
        return new SynthConfig(playoutMarginMs, maxSessions, speechMarkers, maxPendingSpeaks, maxTextChars,
                sessionIdleTimeoutS, maxSessionsPerAddress, value);
    }

    void check(List<String> problems) {
        if (playoutMarginMs < 0 || playoutMarginMs > 5000) {
            problems.add("synth.playout-margin-ms must be 0-5000, got " + playoutMarginMs);
        }
        if (maxSessions < 1) {
            problems.add("synth.max-sessions must be at least 1, got " + maxSessions);
        }
        if (maxPendingSpeaks < 0 || maxPendingSpeaks > 64) {
            // 65 ids of 10 digits keep Active-Request-Id-List under UniMRCP's 1 KiB line limit
            problems.add("synth.max-pending-speaks must be 0-64, got " + maxPendingSpeaks);
        }
        if (maxTextChars < 1) {
            problems.add("synth.max-text-chars must be at least 1, got " + maxTextChars);
        }
        if (sessionIdleTimeoutS < 1) {
            problems.add("synth.session-idle-timeout-s must be at least 1, got " + sessionIdleTimeoutS);
        }
        if (!unknownVoice.equals("reject") && !unknownVoice.equals("default")) {
            problems.add("synth.unknown-voice must be reject or default, got '" + unknownVoice + "'");
        }
        if (maxSessionsPerAddress < 1) {
            problems.add("synth.max-sessions-per-address must be at least 1, got " + maxSessionsPerAddress);
        }
    }
}
