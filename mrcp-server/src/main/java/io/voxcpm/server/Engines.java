package io.voxcpm.server;

import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.engine.SpeechEngine;

/** Creates the configured speech engine. */
final class Engines {

    private Engines() {
    }

    static SpeechEngine create(ServerConfig.Engine config) throws VoxcpmMrcpServer.StartupException {
        return switch (config.kind()) {
            case "embedded" -> new EmbeddedEngine(config.threads());
            default -> throw new VoxcpmMrcpServer.StartupException("engine kind '" + config.kind()
                    + "' is not available in this build");
        };
    }
}
