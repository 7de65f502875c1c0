package io.voxcpm.embedded;

/**
 * Keeps MaryTTS off the working directory. MaryTTS configures Log4j itself at start-up from the stream
 * named by its {@code log.config} property (System properties win over its config files); its default
 * writes INFO to {@code ./log/server.log}. We point it at our own file: WARN and above, stderr only.
 */
final class MaryLogging {

    static final String LOG_CONFIG = "log.config";
    static final String OUR_CONFIG = "jar:/io/voxcpm/embedded/marytts-log4j.properties";
    /** MaryTTS copies this one property over whatever file it loads. */
    static final String MARY_LOGGER = "log4j.logger.marytts";

    private MaryLogging() {
    }

    /** Must run before the first {@code LocalMaryInterface}; an operator's own settings are kept. */
    static synchronized void configure() {
        if (System.getProperty(LOG_CONFIG) == null) {
            System.setProperty(LOG_CONFIG, OUR_CONFIG);
        }
        if (System.getProperty(MARY_LOGGER) == null) {
            System.setProperty(MARY_LOGGER, "WARN, stderr");
        }
    }
}
