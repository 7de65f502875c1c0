package io.voxcpm.request;

import java.util.Map;

/**
 * What a request says outside its text: the MRCP headers of the SPEAK (or the session's SET-PARAMS),
 * applied as if the whole document were wrapped in them. Every field may be null.
 *
 * @param voiceName  {@code Voice-Name}: a registered voice, or {@code default}
 * @param gender     {@code Voice-Gender}: {@code male}, {@code female} or {@code neutral}
 * @param age        {@code Voice-Age}
 * @param variant    {@code Voice-Variant}: sets the seed when the parameters do not
 * @param language   {@code Speech-Language}
 * @param rate       {@code Prosody-Rate} in SSML's syntax
 * @param volume     {@code Prosody-Volume} in SSML's syntax
 * @param parameters what SET-PARAMS / {@code Vendor-Specific-Parameters} say, as the client wrote it: the
 *                   generation parameters ({@code cfg_value}, {@code inference_timesteps}, {@code seed},
 *                   {@code mode}, {@code max_length}), {@code cache} and {@code voice-description}; the
 *                   planner reads them once and ignores other names
 */
public record RequestDefaults(String voiceName, String gender, Integer age, Integer variant, String language,
        String rate, String volume, Map<String, String> parameters) {

    public static final RequestDefaults NONE = new RequestDefaults(null, null, null, null, null, null, null, Map.of());

    public RequestDefaults {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    /** Only the generation parameters. */
    public static RequestDefaults of(Map<String, String> parameters) {
        return new RequestDefaults(null, null, null, null, null, null, null, parameters);
    }
}
