package io.voxcpm.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.voxcpm.mrcp.synth.SpeakCost;
import io.voxcpm.request.ParameterCaps;
import java.time.Duration;
import java.util.List;

/**
 * The {@code cost:} section: what one caller may make the engine and the server spend on a SPEAK.
 *
 * @param maxInferenceTimesteps the highest {@code inference_timesteps} a caller may ask for (SET-PARAMS,
 *                              Vendor-Specific-Parameters, SSML {@code vx:timesteps}); past it the SPEAK is
 *                              refused, 407 with Completion-Cause 004 and a reason naming the cap (refused
 *                              rather than lowered, so the caller learns why). Server and voice defaults are
 *                              not capped. Model range 1-100, default 30
 * @param maxLength             the highest {@code max_length} (160 ms patches) a caller may ask for; 1-4096
 * @param maxSpeakAudioS        the most audio of one SPEAK, breaks and prompts included (default 600 s): one
 *                              whose breaks alone pass it completes 004 at once; speech past it is cut there and
 *                              completes 004 "its audio reached the cap of N s per request"
 * @param readAheadMs           audio queued ahead of the caller's ear (default 3000 ms): silence is made as it is
 *                              played, and no sentence goes to the engine while this much is queued
 */
public record CostConfig(@JsonProperty("max-inference-timesteps") Integer maxInferenceTimesteps,
                         @JsonProperty("max-length") Integer maxLength,
                         @JsonProperty("max-speak-audio-s") Integer maxSpeakAudioS,
                         @JsonProperty("read-ahead-ms") Integer readAheadMs) {

    public static final CostConfig DEFAULTS = new CostConfig(null, null, null, null);

    public CostConfig {
        maxInferenceTimesteps = maxInferenceTimesteps == null ? 30 : maxInferenceTimesteps;
        maxLength = maxLength == null ? 4096 : maxLength;
        maxSpeakAudioS = maxSpeakAudioS == null ? 600 : maxSpeakAudioS;
        readAheadMs = readAheadMs == null ? 3000 : readAheadMs;
    }

    void validate(List<String> problems) {
        if (maxInferenceTimesteps < 1 || maxInferenceTimesteps > 100) {
            problems.add("cost.max-inference-timesteps must be 1-100, got " + maxInferenceTimesteps);
        }
        if (maxLength < 1 || maxLength > 4096) {
            problems.add("cost.max-length must be 1-4096, got " + maxLength);
        }
        if (maxSpeakAudioS < 1) {
            problems.add("cost.max-speak-audio-s must be at least 1, got " + maxSpeakAudioS);
        }
        if (readAheadMs < 200 || readAheadMs > 60_000) {
            problems.add("cost.read-ahead-ms must be 200-60000, got " + readAheadMs);
        }
    }

    /** What the synthesizer channels apply; call on a validated configuration. */
    public SpeakCost speakCost() {
        return new SpeakCost(new ParameterCaps(maxInferenceTimesteps, maxLength), Duration.ofSeconds(maxSpeakAudioS),
                Duration.ofMillis(readAheadMs));
    }
}
