package io.voxcpm.server;

import io.voxcpm.audio.LevelMatching;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.share.FairShareEngine;
import io.voxcpm.share.SlotTimer;
import io.voxcpm.mrcp.synth.SpeakObserver;
import io.voxcpm.mrcp.synth.SpeakPlanning;
import io.voxcpm.mrcp.synth.SynthSettings;
import io.voxcpm.prompt.PromptStore;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.session.MediaDestinations;
import io.voxcpm.session.SessionManager;
import java.time.Duration;
import java.util.Map;

/** The session layer the server builds once its engine has loaded: the configuration's synth, limits and cost. */
final class SessionLayer {

    private SessionLayer() {
    }

    static SessionManager create(ServerConfig config, Listeners listeners, SpeechEngine engine, VoiceCatalog catalog,
                                 FrameTier frames, PromptStore prompts, SpeakObserver speaks) {
        SynthConfig s = config.synth();
        SynthSettings synth = new SynthSettings(Duration.ofMillis(s.playoutMarginMs()), s.maxPendingSpeaks(),
                s.maxTextChars(), s.speechMarkers(), SynthSettings.DEFAULTS.maxRetainedFrames(),
                SynthSettings.DEFAULTS.maxLexicons(), config.limits().setParamsMaxCount(),
                config.limits().setParamsMaxBytes(), speaks);
        SessionManager.Settings settings = new SessionManager.Settings(s.maxSessions(), listeners.mrcp.port(),
                config.sip().advertisedAddress(), s.maxSessionsPerAddress(),
                Duration.ofMillis(config.mrcp().terminationTimeoutMs()), Duration.ofSeconds(s.sessionIdleTimeoutS()),
                new MediaDestinations(config.media().networks()),
                listeners.mrcpTls == null ? -1 : listeners.mrcpTls.port(),
                Duration.ofSeconds(config.limits().sessionIdleAfterSpeakS()),
                Duration.ofSeconds(config.limits().sessionMaxDurationS()));
        // the sessions' engine: its capacity shared among client hosts, with a bounded wait for a slot
        SpeechEngine shared = new FairShareEngine(engine, config.engine().limits().fairShare(), SlotTimer.system());
        return new SessionManager(settings, listeners.registry, listeners.media, shared, synth,
                planning(config, catalog, frames, prompts), listeners.synthExecutors);
    }

    /**
     * {@code <audio src="prompt:NAME">} plays from the prompt store (its content is spoken when there is no
     * such prompt), and every prompt reaches the caller at the configured level. The server's own generation
     * defaults are the engine's (none set here).
     */
    private static SpeakPlanning planning(ServerConfig config, VoiceCatalog catalog, FrameTier frames,
                                          PromptStore prompts) {
        PromptsConfig p = config.prompts();
        LevelMatching level = new LevelMatching(p.levelLufs(), p.levelLookaheadMs());
        return new SpeakPlanning(catalog, Map.of(), config.synth().unknownVoiceFallsBack(),
                prompts.audio(level.normalizer()), frames, level)
                .withCost(config.cost().speakCost());
    }
}
