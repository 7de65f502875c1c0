package io.voxcpm.engine;

import java.util.Objects;

/**
 * One utterance to synthesise: what is said ({@code text} through {@code generation}) and, apart from
 * it, the {@link RequestContext} of who asks. Everything in it was checked when it was made, so an
 * engine reads the fields without validating them again.
 *
 * @param text       the words to speak, free of markup
 * @param language   an RFC 5646 tag such as {@code en-US}, or null for the engine's default
 * @param voice      the requested voice
 * @param mode       the VoxCPM2 mode; null: the engine infers it from the voice
 * @param generation the generation knobs, {@link GenerationParameters#NONE} for the engine's defaults
 * @param context    the session and cache policy; not part of what is said
 */
public record SynthesisRequest(String text, String language, VoiceSpec voice, SynthesisMode mode,
        GenerationParameters generation, RequestContext context) {

    public SynthesisRequest {
        Objects.requireNonNull(text, "text");
        voice = voice == null ? VoiceSpec.DEFAULT : voice;
        generation = generation == null ? GenerationParameters.NONE : generation;
        context = context == null ? RequestContext.NONE : context;
    }

    /** What is said, with no context. */
    public SynthesisRequest(String text, String language, VoiceSpec voice, SynthesisMode mode,
            GenerationParameters generation) {
        this(text, language, voice, mode, generation, RequestContext.NONE);
    }

    public static SynthesisRequest of(String text) {
        return new SynthesisRequest(text, null, VoiceSpec.DEFAULT, null, GenerationParameters.NONE);
    }

    public SynthesisRequest withVoice(VoiceSpec voice, SynthesisMode mode) {
        return new SynthesisRequest(text, language, voice, mode, generation, context);
    }

    public SynthesisRequest withContext(RequestContext context) {
        return new SynthesisRequest(text, language, voice, mode, generation, context);
    }

    /** The mode's name for logs, {@code ?} when the engine is left to infer it. */
    public String modeName() {
        return mode == null ? "?" : mode.value();
    }
}
