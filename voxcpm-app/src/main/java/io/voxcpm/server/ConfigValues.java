package io.voxcpm.server;

import java.util.List;

/** What the configuration records share: a default for a key left out, and the port check. */
final class ConfigValues {

    private ConfigValues() {
    }

    static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    static void checkPort(List<String> problems, String key, int port) {
        if (port < 0 || port > 65535) {
            problems.add(key + " must be 0-65535, got " + port);
        }
    }
}
