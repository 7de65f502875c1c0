package io.voxcpm.ssml;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an SSML 1.1 document into {@link SsmlPart}s, safely (see {@link SafeXml}: no DTD, no external
 * entities, at most {@value SafeXml#MAX_CHARS} chars, {@value #MAX_DEPTH} levels and {@value #MAX_PARTS}
 * parts). Elements are recognised in the SSML namespace or in none.
 *
 * <ul>
 *   <li>{@code speak} (the root), {@code p}, {@code s}: structure; {@code p}/{@code s} mark a sentence
 *       boundary. {@code xml:lang} is honoured on every element, {@code lang} requires it.</li>
 *   <li>{@code break}: {@code time} ({@code 250ms}, {@code 1.5s}, capped at {@link #MAX_BREAK}) or
 *       {@code strength}: none 0, x-weak 100 ms, weak 250 ms, medium (the default) 400 ms,
 *       strong 700 ms, x-strong 1200 ms.</li>
 *   <li>{@code prosody}: {@code rate} and {@code volume} (see {@link Prosody}), {@code pitch} kept as a hint.</li>
 *   <li>{@code say-as}: expanded to words in English (see {@link SayAs}); kept verbatim otherwise.</li>
 *   <li>{@code sub}: its {@code alias} is spoken.</li>
 *   <li>{@code voice}: {@code name} (a space-separated preference list), {@code gender}, {@code age},
 *       {@code variant}, {@code languages}, and {@code vx:design} (below); nesting as in
 *       {@link VoiceHint#nest}. A {@code variant} without {@code vx:seed} sets the seed.</li>
 *   <li>{@code mark}: a {@link SsmlPart.Mark}.</li>
 *   <li>{@code audio}: only registered prompts, {@code src="prompt:NAME"} or a bare {@code NAME}. A URL
 *       is never fetched: its content is spoken instead, or, with no content, the document fails with
 *       {@link Reason#URI_FAILURE}.</li>
 *   <li>{@code desc}, {@code meta}, {@code metadata}, {@code lexicon} are silent; {@code emphasis} and
 *       every unknown element keep their text.</li>
 * </ul>
 *
 * <p>Extensions in namespace {@value #VX_NAMESPACE} (conventional prefix {@code vx}), as attributes
 * only, so a processor that does not know them still reads the document as plain SSML:
 * {@code vx:design} on {@code <voice>} (a voice described in words; with a cloned voice's name, its
 * speaking style), and on any element {@code vx:cfg}, {@code vx:timesteps}, {@code vx:seed},
 * {@code vx:mode}, {@code vx:max-length}, which set the engine parameters {@code cfg_value},
 * {@code inference_timesteps}, {@code seed}, {@code mode}, {@code max_length} for the element's content.
 * Their values are checked when the request is planned. An unknown {@code vx:} name is a parse failure,
 * so a typo is not silently ignored.
 *
 * <p>Every failure is a {@link SynthesisException}: {@link Reason#PARSE_FAILURE} (with line and column)
 * for markup that is malformed or breaks these rules, {@link Reason#URI_FAILURE} for audio that may not be
 * fetched.
 */
public final class SsmlParser {

    public static final String SSML_NAMESPACE = "http://www.w3.org/2001/10/synthesis";
    /** A URN, not a URL: nothing suggests it could be fetched, and it needs no domain to stay stable. */
    public static final String VX_NAMESPACE = "urn:voxcpm-mrcp:ssml:1";
    public static final int MAX_DEPTH = 64;
    public static final int MAX_PARTS = 4096;
    public static final Duration MAX_BREAK = Duration.ofSeconds(10);

    /** vx: attribute → engine parameter key. */
    private static final Map<String, String> VX_PARAMETERS = Map.of(
            "cfg", SynthesisRequest.CFG_VALUE,
            "timesteps", SynthesisRequest.INFERENCE_TIMESTEPS,
            "seed", SynthesisRequest.SEED,
            "mode", SynthesisRequest.MODE,
            "max-length", SynthesisRequest.MAX_LENGTH);
    private static final String VX_DESIGN = "design";
    private static final Map<String, Duration> STRENGTHS = Map.of(
            "none", Duration.ZERO, "x-weak", Duration.ofMillis(100), "weak", Duration.ofMillis(250),
            "medium", Duration.ofMillis(400), "strong", Duration.ofMillis(700), "x-strong", Duration.ofMillis(1200));
    private static final Pattern TIME = Pattern.compile("\\s*([0-9]*\\.?[0-9]+)\\s*(ms|s)\\s*");
    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*");
    private static final Pattern PROMPT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String PARAGRAPH = "\n\n";

    private SsmlParser() {
    }

    /** The parts of {@code ssml}, starting from {@link Style#DEFAULT}. */
    public static List<SsmlPart> parse(String ssml) throws SynthesisException {
        return parse(ssml, Style.DEFAULT);
    }

    /**
     * The parts of {@code ssml}, starting from {@code base}: what the request says outside the document
     * (MRCP headers), so that relative prosody and voice nesting apply on top of it.
     */
    public static List<SsmlPart> parse(String ssml, Style base) throws SynthesisException {
        if (ssml.length() > SafeXml.MAX_CHARS) {
            throw new SynthesisException(Reason.PARSE_FAILURE,
                    "SSML document of " + ssml.length() + " chars exceeds the limit of " + SafeXml.MAX_CHARS);
        }
        XMLStreamReader reader = null;
        try {
            reader = SafeXml.newFactory().createXMLStreamReader(new StringReader(ssml));
            return new Reading(reader, base).read();
        } catch (XMLStreamException e) {
            throw new SynthesisException(Reason.PARSE_FAILURE, "malformed SSML" + SafeXml.at(e.getLocation()) + ": "
                    + SafeXml.reason(e), e);
        } finally {
            SafeXml.close(reader);
        }
    }

    private enum Kind { CONTAINER, BLOCK, SILENT, SAY_AS, AUDIO }

    private record Frame(Kind kind, Style style, String[] extra) {
    }

    /** The state of one parse. */
    private static final class Reading {

        private final XMLStreamReader reader;
        private final Style base;
        private final Deque<Frame> frames = new ArrayDeque<>();
        /** Where parts go: the document, or the fallback content of the {@code <audio>} being read. */
        private final Deque<List<SsmlPart>> outputs = new ArrayDeque<>();
        private final StringBuilder pending = new StringBuilder();
        private Style pendingStyle;
        private StringBuilder sayAs;
        private int silentDepth;
        private int parts;

        Reading(XMLStreamReader reader, Style base) {
            this.reader = reader;
            this.base = base;
            outputs.push(new ArrayList<>());
        }

        List<SsmlPart> read() throws XMLStreamException, SynthesisException {
            while (reader.hasNext()) {
                switch (reader.next()) {
                    case XMLStreamConstants.START_ELEMENT -> start();
                    case XMLStreamConstants.END_ELEMENT -> end();
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> text(
                            reader.getText());
                    case XMLStreamConstants.DTD -> throw fail("a DOCTYPE is not allowed in SSML");
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw fail(
                            "entity reference &" + reader.getLocalName() + "; is not allowed");
                    default -> {
                        // comments and processing instructions say nothing
                    }
                }
            }
            flush();
            return List.copyOf(outputs.pop());
        }

        private void start() throws SynthesisException {
            if (frames.size() >= MAX_DEPTH) {
                throw fail("elements nested deeper than " + MAX_DEPTH);
            }
            if (silentDepth > 0) {
                silentDepth++;
                return;
            }
            String ns = reader.getNamespaceURI();
            String name = reader.getLocalName();
            boolean ssml = ns == null || ns.isEmpty() || ns.equals(SSML_NAMESPACE);
            if (frames.isEmpty() && !(ssml && name.equals("speak"))) {
                throw fail("the root element must be <speak>, not <" + name + ">");
            }
            if (VX_NAMESPACE.equals(ns)) {
                throw fail("unknown element <vx:" + name + ">: the vx extensions are attributes, "
                        + "e.g. <voice vx:design=\"...\">");
            }
            Style style = frames.isEmpty() ? base : frames.peek().style();
            String lang = reader.getAttributeValue(XMLConstants.XML_NS_URI, "lang");
            if (lang != null) {
                if (!LANGUAGE.matcher(lang.trim()).matches()) {
                    throw fail("xml:lang '" + lang + "' is not a language tag");
                }
                style = style.withLanguage(lang.trim());
            }
            style = withVxParameters(style, ssml && name.equals("voice"));
            Kind kind = Kind.CONTAINER;
            String[] extra = null;
            if (ssml) {
                switch (name) {
                    case "p", "s", "paragraph", "sentence" -> {
                        kind = Kind.BLOCK;
                        boundary(style);
                    }
                    case "break" -> {
                        kind = Kind.SILENT;
                        Duration pause = breakDuration();
                        if (pause.isZero()) {
                            text(" ", style); // no pause, but still a word boundary
                        } else {
                            emit(new SsmlPart.Break(pause));
                        }
                    }
                    case "prosody" -> style = style.withProsody(prosody(style.prosody()));
                    case "say-as" -> {
                        kind = Kind.SAY_AS;
                        extra = new String[] {required("interpret-as"), attribute("format")};
                        sayAs = new StringBuilder();
                    }
                    case "sub" -> {
                        kind = Kind.SILENT;
                        text(required("alias"), style);
                    }
                    case "lang" -> {
                        if (lang == null) {
                            throw fail("<lang> needs an xml:lang attribute");
                        }
                    }
                    case "voice" -> style = voice(style);
                    case "mark" -> {
                        kind = Kind.SILENT;
                        emit(new SsmlPart.Mark(required("name")));
                    }
                    case "audio" -> {
                        kind = Kind.AUDIO;
                        extra = new String[] {required("src"), location()};
                        flush();
                        outputs.push(new ArrayList<>());
                    }
                    case "desc", "meta", "metadata", "lexicon" -> kind = Kind.SILENT;
                    default -> {
                        // speak, emphasis, token, w, lookup and unknown elements: their text is spoken
                    }
                }
            }
            if (kind == Kind.SILENT) {
                silentDepth = 1;
            }
            frames.push(new Frame(kind, style, extra));
        }

        private void end() throws SynthesisException {
            if (silentDepth > 1) {
                silentDepth--;
                return;
            }
            Frame frame = frames.pop();
            switch (frame.kind()) {
                case SILENT -> silentDepth = 0;
                case BLOCK -> boundary(frame.style());
                case SAY_AS -> {
                    String said = SayAs.expand(frame.extra()[0], frame.extra()[1], sayAs.toString(),
                            frame.style().language());
                    sayAs = null;
                    text(said, frame.style());
                }
                case AUDIO -> audio(frame);
                default -> {
                    // nothing to close
                }
            }
        }

        private void text(String chars) {
            if (silentDepth > 0) {
                return;
            }
            if (sayAs != null) {
                sayAs.append(chars);
                return;
            }
            text(chars, frames.isEmpty() ? base : frames.peek().style());
        }

        private void text(String chars, Style style) {
            if (pendingStyle != null && !pendingStyle.equals(style)) {
                flush();
            }
            pendingStyle = style;
            pending.append(WHITESPACE.matcher(chars).replaceAll(" "));
        }

        private void boundary(Style style) {
            if (pendingStyle != null && !pendingStyle.equals(style)) {
                flush();
            }
            pendingStyle = style;
            pending.append(PARAGRAPH);
        }

        private void emit(SsmlPart part) throws SynthesisException {
            flush();
            add(part);
        }

        private void flush() {
            if (pending.length() > 0 && !pending.toString().isBlank()) {
                outputs.peek().add(new SsmlPart.Text(pending.toString(), pendingStyle));
                parts++;
            }
            pending.setLength(0);
            pendingStyle = null;
        }

        private void add(SsmlPart part) throws SynthesisException {
            if (++parts > MAX_PARTS) {
                throw fail("more than " + MAX_PARTS + " parts");
            }
            outputs.peek().add(part);
        }

        private void audio(Frame frame) throws SynthesisException {
            flush();
            List<SsmlPart> fallback = outputs.pop();
            String src = frame.extra()[0].trim();
            String name = src.regionMatches(true, 0, "prompt:", 0, 7) ? src.substring(7) : src;
            if (PROMPT_NAME.matcher(name).matches()) {
                add(new SsmlPart.Audio(name, fallback));
            } else if (!fallback.isEmpty()) {
                for (SsmlPart p : fallback) {
                    outputs.peek().add(p); // already counted
                }
            } else {
                throw new SynthesisException(Reason.URI_FAILURE, "<audio src=\"" + src + "\">" + frame.extra()[1]
                        + " is not a registered prompt and has no fallback content: only registered prompts are "
                        + "played (src=\"prompt:NAME\"), never a URL");
            }
        }

        private Style withVxParameters(Style style, boolean isVoice) throws SynthesisException {
            Map<String, String> params = null;
            for (int i = 0; i < reader.getAttributeCount(); i++) {
                if (!VX_NAMESPACE.equals(reader.getAttributeNamespace(i))) {
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

        private Style voice(Style style) throws SynthesisException {
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
            String design = reader.getAttributeValue(VX_NAMESPACE, VX_DESIGN);
            if (design != null && design.isBlank()) {
                throw fail("vx:design is empty");
            }
            VoiceHint child = new VoiceHint(
                    names == null ? List.of() : Arrays.stream(names.trim().split("\\s+")).filter(n -> !n.isEmpty()).toList(),
                    gender, age, variant, attribute("languages"), design == null ? null : design.trim());
            Style s = style.withVoice(style.voice().nest(child));
            if (variant != null && reader.getAttributeValue(VX_NAMESPACE, "seed") == null) {
                Map<String, String> params = new HashMap<>(s.parameters());
                params.put(SynthesisRequest.SEED, variant.toString());
                s = s.withParameters(params);
            }
            return s;
        }

        private Prosody prosody(Prosody p) throws SynthesisException {
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

        private Duration breakDuration() throws SynthesisException {
            String time = attribute("time");
            if (time != null) {
                var m = TIME.matcher(time);
                if (!m.matches()) {
                    throw fail("break time '" + time + "' is not like 250ms or 1.5s");
                }
                double ms = Double.parseDouble(m.group(1)) * (m.group(2).equals("s") ? 1000 : 1);
                return ms >= MAX_BREAK.toMillis() ? MAX_BREAK : Duration.ofMillis(Math.round(ms));
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
        private String attribute(String name) {
            return reader.getAttributeValue(null, name);
        }

        private String required(String name) throws SynthesisException {
            String v = attribute(name);
            if (v == null || v.isBlank()) {
                throw fail("<" + reader.getLocalName() + "> needs a " + name + " attribute");
            }
            return v;
        }

        private String location() {
            return SafeXml.at(reader.getLocation());
        }

        private SynthesisException fail(String message) {
            return new SynthesisException(Reason.PARSE_FAILURE, "invalid SSML" + location() + ": " + message);
        }
    }
}
