package io.voxcpm.admin;

import io.voxcpm.voice.CloneVoice;
import io.voxcpm.voice.DesignVoice;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** How voices look in the admin API's JSON: snake_case keys, absent values left out. */
final class AdminJson {

    private AdminJson() {
    }

    static Map<String, Object> status(VoiceStatus status) {
        if (status instanceof VoiceStatus.Ok ok) {
            Map<String, Object> m = voice(ok.voice());
            m.put("status", "ok");
            return m;
        }
        VoiceStatus.Corrupt c = (VoiceStatus.Corrupt) status;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("version", c.version());
        m.put("status", "corrupt");
        m.put("problem", c.problem());
        return m;
    }

    static Map<String, Object> voice(Voice v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.name());
        m.put("version", v.version());
        m.put("kind", v.kind().label());
        m.put("created_at", v.createdAt().toString());
        m.put("registered_by", v.registeredBy());
        m.put("identity", v.identity());
        if (v instanceof DesignVoice d) {
            m.put("description", d.description());
            m.put("anchored", d.anchored());
        } else if (v instanceof CloneVoice c) {
            m.put("reference_seconds", Math.round(c.reference().durationSeconds() * 100) / 100.0);
            c.transcript().ifPresent(t -> m.put("transcript", t));
            c.style().ifPresent(s -> m.put("style", s));
            m.put("consent", c.consent());
        }
        Map<String, String> defaults = new LinkedHashMap<>(v.defaults().toParameters());
        if (v.defaults().language() != null) {
            defaults.put("language", v.defaults().language());
        }
        m.put("defaults", defaults);
        return m;
    }
}
