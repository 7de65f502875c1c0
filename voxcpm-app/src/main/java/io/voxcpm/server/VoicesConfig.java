package io.voxcpm.server;

import static io.voxcpm.server.ConfigValues.or;

/** The {@code voices:} section. @param dir the voice registry that {@code voices add} writes and dialplans name voices from */
public record VoicesConfig(String dir) {

    public static final VoicesConfig DEFAULTS = new VoicesConfig(null);

    public VoicesConfig {
        dir = or(dir, "data/voices");
    }
}
