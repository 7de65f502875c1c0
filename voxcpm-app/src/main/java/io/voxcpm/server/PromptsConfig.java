package io.voxcpm.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code prompts} section: recorded prompts and the level every prompt reaches the caller at.
 *
 * @param dir              the prompt store {@code prompts add} writes and {@code <audio src="prompt:NAME">}
 *                         plays from
 * @param levelLufs        the loudness every prompt reaches the caller at, synthesised or recorded, in LUFS
 *                         (BS.1770 integrated; speech at about -18 dBFS RMS measures near -20)
 * @param levelLookaheadMs how much of each synthesised sentence's sound is measured before its level is settled
 *                         (held before it plays, unless its voice was levelled before; its level then adapts
 *                         slowly); 0 turns level matching of synthesised audio off (recorded prompts are still
 *                         matched)
 */
public record PromptsConfig(String dir, @JsonProperty("level-lufs") Double levelLufs,
                            @JsonProperty("level-lookahead-ms") Integer levelLookaheadMs) {

    public static final PromptsConfig DEFAULTS = new PromptsConfig("data/prompts", -20.0, 300);

    public PromptsConfig {
        dir = dir == null ? "data/prompts" : dir;
        levelLufs = levelLufs == null ? -20.0 : levelLufs;
        levelLookaheadMs = levelLookaheadMs == null ? 300 : levelLookaheadMs;
    }

    void check(List<String> problems) {
        if (!(levelLufs >= -40 && levelLufs <= -6)) {
            problems.add("prompts.level-lufs must be from -40 to -6 (telephony: about -20), got " + levelLufs);
        }
        if (levelLookaheadMs < 0 || levelLookaheadMs > 2000) {
            problems.add("prompts.level-lookahead-ms must be 0 (off) to 2000, got " + levelLookaheadMs);
        }
    }
}
