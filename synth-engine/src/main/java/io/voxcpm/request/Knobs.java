package io.voxcpm.request;

import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisMode;
import java.util.Map;

/**
 * The mode and generation parameters one layer of a request asks for (server defaults, a voice's
 * defaults, the MRCP request, SSML), read from the text the layer is written in. This is where client
 * text becomes typed values, once: each layer is parsed on its own so an error names where the bad value
 * came from, and later layers override earlier ones value by value.
 *
 * @param mode       the mode asked for, or null
 * @param generation the knobs asked for
 */
record Knobs(SynthesisMode mode, GenerationParameters generation) {

    static final Knobs NONE = new Knobs(null, GenerationParameters.NONE);

    /**
     * @param source where {@code params} came from, for the error message (e.g. {@code "SSML"})
     * @throws SynthesisException {@link Reason#INVALID_REQUEST} naming the source, name, value and rule
     */
    static Knobs parse(Map<String, String> params, String source) throws SynthesisException {
        String m = params.get(SynthesisMode.PARAMETER);
        SynthesisMode mode = null;
        if (m != null && !m.isBlank()) {
            mode = SynthesisMode.parse(m).orElseThrow(() -> new SynthesisException(Reason.INVALID_REQUEST,
                    source + " " + SynthesisMode.PARAMETER + "='" + m.trim()
                            + "': must be zero_shot, design, clone or ultimate_clone"));
        }
        return new Knobs(mode, GenerationParameters.parse(params, source));
    }

    Knobs overriddenBy(Knobs over) {
        return new Knobs(over.mode != null ? over.mode : mode, generation.overriddenBy(over.generation));
    }
}
