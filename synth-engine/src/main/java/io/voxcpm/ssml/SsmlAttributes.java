package io.voxcpm.ssml;

import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * The attributes of the element {@link SsmlParser} is at, read into values: language, prosody, voice,
 * break length and the {@code vx:} extensions. Every bad value is a {@link Reason#PARSE_FAILURE} naming
 * the line and column.
 */
final class SsmlAttributes {

    /** vx: attribute → engine parameter key. */
    private static final Map<String, String> VX_PARAMETERS = Map.of(
            "cfg", GenerationParameters.CFG_VALUE,
            "timesteps", GenerationParameters.INFERENCE_TIMESTEPS,
            "seed", GenerationParameters.SEED,
            "mode", SynthesisMode.PARAMETER,
            "max-length", GenerationParameters.MAX_LENGTH);
    private static final String VX_DESIGN = "design";
    private static final Map<String, Duration> STRENGTHS = Map.of(
            "none", Duration.ZERO, "x-weak", Duration.ofMillis(100), "weak", Duration.ofMillis(250),
            "medium", Duration.ofMillis(400), "strong", Duration.ofMillis(700), "x-strong", Duration.ofMillis(1200));
    private static final Pattern TIME = Pattern.compile("\\s*([0-9]*\\.?[0-9]+)\\s*(ms|s)\\s*");
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*");

    private final XMLStreamReader reader;

    SsmlAttributes(XMLStreamReader reader) {
        this.reader = reader;
    }

    /** {@code xml:lang}, trimmed, or null. */
    String language() throws SynthesisException {
        String lang = reader.getAttributeValue(XMLConstants.XML_NS_URI, "lang");
        if (lang != null && !LANGUAGE.matcher(lang.trim()).matches()) {
            throw fail("xml:lang '" + lang + "' is not a language tag");
        }
        return lang == null ? null : lang.trim();
    }

    /** {@code style} with the element's {@code vx:} engine parameters; an unknown one fails. */
    Style withVxParameters(Style style, boolean isVoice) throws SynthesisException {
        Map<String, String> params = null;
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            if (!SsmlParser.VX_NAMESPACE.equals(reader.getAttributeNamespace(i))) {
                continue;
            }
            String local = reader.getAttributeLocalName(i);
            String key = VX_PARAMETERS.get(local);
            if (key == null) {
                if (local.equals(VX_DESIGN) && isVoice) {
                    continue; // read by voice()
                }
                throw fail(local.equals(VX_DESIGN) ? "vx:design belongs on <voice>"
                        : "unknown attribute vx:" + local + " (known: design, " + String.join(", ",
                                VX_PARAMETERS.keySet().stream().sorted().toList()) + ")");
            }
            if (params == null) {
                params = new HashMap<>(style.parameters());
            }
            params.put(key, reader.getAttributeValue(i).trim());
        }
        return params == null ? style : style.withParameters(params);
    }

    /** {@code style} with a {@code <voice>} element's request nested into it. */
    Style voice(Style style) throws SynthesisException {
        String names = attribute("name");
        String gender = attribute("gender");
        if (gender != null) {
            gender = gender.trim().toLowerCase(Locale.ROOT);
            if (!gender.equals("male") && !gender.equals("female") && !gender.equals("neutral")) {
                throw fail("voice gender '" + gender + "' is not male, female or neutral");
            }
        }
        Integer age = integer("age", 0, 150);
        Integer variant = integer("variant", 1, Integer.MAX_VALUE);
        String design = reader.getAttributeValue(SsmlParser.VX_NAMESPACE, VX_DESIGN);
        if (design != null && design.isBlank()) {
            throw fail("vx:design is empty");
        }
        VoiceHint child = new VoiceHint(
                names == null ? List.of() : Arrays.stream(names.trim().split("\\s+")).filter(n -> !n.isEmpty()).toList(),
                gender, age, variant, attribute("languages"), design == null ? null : design.trim());
        Style s = style.withVoice(style.voice().nest(child));
        if (variant != null && reader.getAttributeValue(SsmlParser.VX_NAMESPACE, "seed") == null) {
            Map<String, String> params = new HashMap<>(s.parameters());
            params.put(GenerationParameters.SEED, variant.toString());
            s = s.withParameters(params);
        }
        return s;
    }

    /** {@code p} with a {@code <prosody>} element's rate, volume and pitch applied. */
    Prosody prosody(Prosody p) throws SynthesisException {
        try {
            String rate = attribute("rate");
            String volume = attribute("volume");
            String pitch = attribute("pitch");
            Prosody out = rate == null ? p : p.withRate(rate);
            out = volume == null ? out : out.withVolume(volume);
            return pitch == null ? out : out.withPitch(pitch);
        } catch (IllegalArgumentException e) {
            throw fail("prosody " + e.getMessage());
        }
    }

    /** A {@code <break>}'s length: its time (capped), else its strength, else medium. */
    Duration breakDuration() throws SynthesisException {
        String time = attribute("time");
        if (time != null) {
            var m = TIME.matcher(time);
            if (!m.matches()) {
                throw fail("break time '" + time + "' is not like 250ms or 1.5s");
            }
            double ms = Double.parseDouble(m.group(1)) * (m.group(2).equals("s") ? 1000 : 1);
            return ms >= SsmlParser.MAX_BREAK.toMillis() ? SsmlParser.MAX_BREAK : Duration.ofMillis(Math.round(ms));
        }
        String strength = attribute("strength");
        if (strength == null) {
            return STRENGTHS.get("medium");
        }
        Duration d = STRENGTHS.get(strength.trim().toLowerCase(Locale.ROOT));
        if (d == null) {
            throw fail("break strength '" + strength + "' is not one of " + STRENGTHS.keySet());
        }
        return d;
    }

    private Integer integer(String attr, int min, int max) throws SynthesisException {
        String v = attribute(attr);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw fail("voice " + attr + " '" + v + "' is not an integer from " + min + " to " + max);
    }

    /** An SSML attribute: unqualified (SSML attributes are never in a namespace). */
    String attribute(String name) {
        return reader.getAttributeValue(null, name);
    }

    String required(String name) throws SynthesisException {
        String v = attribute(name);
        if (v == null || v.isBlank()) {
            throw fail("<" + reader.getLocalName() + "> needs a " + name + " attribute");
        }
        return v;
    }

    String location() {
        return SafeXml.at(reader.getLocation());
    }

    SynthesisException fail(String message) {
        return new SynthesisException(Reason.PARSE_FAILURE, "invalid SSML" + location() + ": " + message);
    }
}
