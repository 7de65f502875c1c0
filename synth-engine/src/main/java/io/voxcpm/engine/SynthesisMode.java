package io.voxcpm.engine;

import java.util.Locale;
import java.util.Optional;

/**
 * The four VoxCPM2 modes. Clients name them in {@code mode} parameters (MRCP vendor parameters, SSML
 * {@code vx:mode}); {@link #parse} is the one reader of those names, so every layer accepts the same
 * spellings.
 */
public enum SynthesisMode {
    /** No voice asked for: the model's own. */
    ZERO_SHOT("zero_shot"),
    /** A voice described in words, sent to the model as a {@code (description)} prefix. */
    DESIGN("design"),
    /** A registered recording as isolated reference, optionally with a style description. */
    CLONE("clone"),
    /** A registered recording continued from its exact transcript; no style description. */
    ULTIMATE_CLONE("ultimate_clone");

    /** The parameter name clients set a mode with. */
    public static final String PARAMETER = "mode";

    private final String value;

    SynthesisMode(String value) {
        this.value = value;
    }

    /** The name clients write, logs print and cache keys hold. */
    public String value() {
        return value;
    }

    /** Reads {@code zero_shot}, {@code design}, {@code clone}, {@code ultimate_clone} (also with {@code -}, any case). */
    public static Optional<SynthesisMode> parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (SynthesisMode m : values()) {
            if (m.value.equals(v)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
