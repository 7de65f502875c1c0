package io.voxcpm.ssml;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.request.Segment;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads an SSML 1.1 document, once, into an {@link SsmlDocument} of {@link Segment}s, safely (see
 * {@link SafeXml}: no DTD, no external entities, at most {@value SafeXml#MAX_CHARS} chars, {@value #MAX_DEPTH} levels and {@value #MAX_PARTS}
 * segments). Elements are recognised in the SSML namespace or in none.
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
 *   <li>{@code mark}: a {@link Segment.Mark}.</li>
 *   <li>{@code audio}: only registered prompts, {@code src="prompt:NAME"} or a bare {@code NAME}. A URL
 *       is never fetched: its content is spoken instead, or, with no content, the document fails with
 *       {@link Reason#URI_FAILURE}.</li>
 *   <li>{@code lexicon}: its {@code uri} is listed in {@link SsmlDocument#lexicons()}, never fetched.</li>
 *   <li>{@code desc}, {@code meta}, {@code metadata} are silent; {@code emphasis} and
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

    private static final Pattern PROMPT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String PARAGRAPH = "\n\n";

    private SsmlParser() {
    }

    /** The document {@code ssml}, starting from {@link Style#DEFAULT}. */
    public static SsmlDocument parse(String ssml) throws SynthesisException {
        return parse(ssml, Style.DEFAULT);
    }

    /**
     * The document {@code ssml}, starting from {@code base}: what the request says outside the document
     * (MRCP headers), so that relative prosody and voice nesting apply on top of it.
     */
    public static SsmlDocument parse(String ssml, Style base) throws SynthesisException {
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
        private final SsmlAttributes attributes;
        private final Style base;
        private final Deque<Frame> frames = new ArrayDeque<>();
        /** Where segments go: the document, or the fallback content of the {@code <audio>} being read. */
        private final Deque<List<Segment>> outputs = new ArrayDeque<>();
        private final List<String> lexicons = new ArrayList<>();
        private final StringBuilder pending = new StringBuilder();
        private Style pendingStyle;
        private StringBuilder sayAs;
        private int silentDepth;
        private int parts;

        Reading(XMLStreamReader reader, Style base) {
            this.reader = reader;
            this.attributes = new SsmlAttributes(reader);
            this.base = base;
            outputs.push(new ArrayList<>());
        }

        SsmlDocument read() throws XMLStreamException, SynthesisException {
            while (reader.hasNext()) {
                switch (reader.next()) {
                    case XMLStreamConstants.START_ELEMENT -> start();
                    case XMLStreamConstants.END_ELEMENT -> end();
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> text(
                            reader.getText());
                    case XMLStreamConstants.DTD -> throw attributes.fail("a DOCTYPE is not allowed in SSML");
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw attributes.fail(
                            "entity reference &" + reader.getLocalName() + "; is not allowed");
                    default -> {
                        // comments and processing instructions say nothing
                    }
                }
            }
            flush();
            return new SsmlDocument(outputs.pop(), lexicons);
        }

        private void start() throws SynthesisException {
            if (frames.size() >= MAX_DEPTH) {
                throw attributes.fail("elements nested deeper than " + MAX_DEPTH);
            }
            if (silentDepth > 0) {
                silentDepth++;
                return;
            }
            String ns = reader.getNamespaceURI();
            String name = reader.getLocalName();
            boolean ssml = ns == null || ns.isEmpty() || ns.equals(SSML_NAMESPACE);
            if (frames.isEmpty() && !(ssml && name.equals("speak"))) {
                throw attributes.fail("the root element must be <speak>, not <" + name + ">");
            }
            if (VX_NAMESPACE.equals(ns)) {
                throw attributes.fail("unknown element <vx:" + name + ">: the vx extensions are attributes, "
                        + "e.g. <voice vx:design=\"...\">");
            }
            Style style = frames.isEmpty() ? base : frames.peek().style();
            String lang = attributes.language();
            style = lang == null ? style : style.withLanguage(lang);
            style = attributes.withVxParameters(style, ssml && name.equals("voice"));
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
                        Duration pause = attributes.breakDuration();
                        if (pause.isZero()) {
                            text(" ", style); // no pause, but still a word boundary
                        } else {
                            emit(new Segment.Pause(pause));
                        }
                    }
                    case "prosody" -> style = style.withProsody(attributes.prosody(style.prosody()));
                    case "say-as" -> {
                        kind = Kind.SAY_AS;
                        extra = new String[] {attributes.required("interpret-as"), attributes.attribute("format")};
                        sayAs = new StringBuilder();
                    }
                    case "sub" -> {
                        kind = Kind.SILENT;
                        text(attributes.required("alias"), style);
                    }
                    case "lang" -> {
                        if (lang == null) {
                            throw attributes.fail("<lang> needs an xml:lang attribute");
                        }
                    }
                    case "voice" -> style = attributes.voice(style);
                    case "mark" -> {
                        kind = Kind.SILENT;
                        emit(new Segment.Mark(attributes.required("name")));
                    }
                    case "audio" -> {
                        kind = Kind.AUDIO;
                        extra = new String[] {attributes.required("src"), attributes.location()};
                        flush();
                        outputs.push(new ArrayList<>());
                    }
                    case "lexicon" -> {
                        kind = Kind.SILENT;
                        String uri = attributes.attribute("uri");
                        if (uri != null && !uri.isBlank()) {
                            lexicons.add(uri.strip());
                        }
                    }
                    case "desc", "meta", "metadata" -> kind = Kind.SILENT;
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

        private void emit(Segment segment) throws SynthesisException {
            flush();
            add(segment);
        }

        private void flush() {
            if (pending.length() > 0 && !pending.toString().isBlank()) {
                outputs.peek().add(new Segment.Text(pending.toString(), pendingStyle));
                parts++;
            }
            pending.setLength(0);
            pendingStyle = null;
        }

        private void add(Segment segment) throws SynthesisException {
            if (++parts > MAX_PARTS) {
                throw attributes.fail("more than " + MAX_PARTS + " parts");
            }
            outputs.peek().add(segment);
        }

        private void audio(Frame frame) throws SynthesisException {
            flush();
            List<Segment> fallback = outputs.pop();
            String src = frame.extra()[0].trim();
            String name = src.regionMatches(true, 0, "prompt:", 0, 7) ? src.substring(7) : src;
            if (PROMPT_NAME.matcher(name).matches()) {
                add(new Segment.AudioRef(name, fallback));
            } else if (!fallback.isEmpty()) {
                outputs.peek().addAll(fallback); // already counted
            } else {
                throw new SynthesisException(Reason.URI_FAILURE, "<audio src=\"" + src + "\">" + frame.extra()[1]
                        + " is not a registered prompt and has no fallback content: only registered prompts are "
                        + "played (src=\"prompt:NAME\"), never a URL");
            }
        }
    }
}
