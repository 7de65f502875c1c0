package io.voxcpm.server;

import static io.voxcpm.server.ConfigValues.or;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code cache:} section: synthesized prompts kept and replayed.
 *
 * @param enabled     whether synthesized prompts are kept and replayed (a hit never touches the engine)
 * @param dir         where entries live; {@code render} and {@code say} fill the same directory
 * @param maxMb       size cap; the least recently used entries go first
 * @param frameTierMb memory for prompts already encoded for the wire, per codec and ptime, so a hit costs no
 *                    disk read and no resampling and every session playing one prompt shares its frames; the
 *                    least recently used go first (0 turns the tier off)
 */
public record CacheConfig(Boolean enabled, String dir, @JsonProperty("max-mb") Integer maxMb,
                          @JsonProperty("frame-tier-mb") Integer frameTierMb) {

    public static final CacheConfig DEFAULTS = new CacheConfig(null, null, null);

    public CacheConfig {
        enabled = or(enabled, true);
        dir = or(dir, "data/cache");
        maxMb = or(maxMb, 1024);
        frameTierMb = or(frameTierMb, 256);
    }

    public CacheConfig(Boolean enabled, String dir, Integer maxMb) {
        this(enabled, dir, maxMb, null);
    }

    void check(List<String> problems) {
        if (maxMb < 1) {
            problems.add("cache.max-mb must be at least 1, got " + maxMb);
        }
        if (frameTierMb < 0) {
            problems.add("cache.frame-tier-mb must be 0 (off) or more, got " + frameTierMb);
        }
    }
}
