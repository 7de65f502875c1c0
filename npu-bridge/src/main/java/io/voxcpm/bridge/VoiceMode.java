package io.voxcpm.bridge;

import java.util.Locale;

/** The four VoxCPM2 generation modes (voxcpm-api.md §1.7-1.8). */
public enum VoiceMode {
    /** No voice: the model's own. */
    ZERO_SHOT,
    /** A voice described in words, sent as the {@code (description)text} prefix. */
    DESIGN,
    /** An isolated reference recording, optionally with a style description. */
    CLONE,
    /** A reference recording continued from its exact transcript; no style description. */
    ULTIMATE_CLONE;

    /** Accepts {@code zero_shot}, {@code zero-shot}, {@code design}, {@code clone}, {@code ultimate_clone}, {@code ultimate}. */
    static VoiceMode parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (v) {
            case "zero_shot", "zeroshot" -> ZERO_SHOT;
            case "design" -> DESIGN;
            case "clone" -> CLONE;
            case "ultimate_clone", "ultimate" -> ULTIMATE_CLONE;
            default -> throw new IllegalArgumentException("unknown mode '" + value + "'");
        };
    }
}
