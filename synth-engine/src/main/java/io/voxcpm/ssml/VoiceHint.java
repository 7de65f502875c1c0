package io.voxcpm.ssml;

import java.util.List;

/**
 * The voice asked for at a point of a document (or by MRCP headers), before it is matched against the
 * registered voices.
 *
 * @param names       candidate voice names in order of preference (SSML 1.1 {@code name} is a list); never null
 * @param gender      {@code male}, {@code female} or {@code neutral}; null if not given
 * @param age         age in years; null if not given
 * @param variant     SSML {@code variant}; null if not given
 * @param languages   SSML {@code languages} verbatim (a selection hint); null if not given
 * @param description a voice (or clone style) described in words ({@code vx:design}); null if not given
 */
public record VoiceHint(List<String> names, String gender, Integer age, Integer variant, String languages,
        String description) {

    public static final VoiceHint NONE = new VoiceHint(List.of(), null, null, null, null, null);

    public VoiceHint {
        names = names == null ? List.of() : List.copyOf(names);
    }

    /**
     * The voice of a nested {@code <voice>}. A child that names or describes a voice replaces the
     * parent's identity entirely; one that gives only gender/age/variant keeps the parent's other
     * traits but drops its name and description (it asks for a different speaker); one that gives
     * neither (only {@code languages}, say) keeps the parent's voice.
     */
    public VoiceHint nest(VoiceHint child) {
        if (!child.names.isEmpty() || child.description != null) {
            return new VoiceHint(child.names, child.gender, child.age, child.variant,
                    child.languages != null ? child.languages : languages, child.description);
        }
        String l = child.languages != null ? child.languages : languages;
        if (child.gender != null || child.age != null) {
            return new VoiceHint(List.of(), child.gender != null ? child.gender : gender,
                    child.age != null ? child.age : age, child.variant != null ? child.variant : variant, l, null);
        }
        return new VoiceHint(names, gender, age, child.variant != null ? child.variant : variant, l, description);
    }
}
