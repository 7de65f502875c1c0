package io.voxcpm.request;

import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.ssml.PronunciationLexicon;
import io.voxcpm.ssml.Prosody;
import io.voxcpm.ssml.SsmlDocument;
import io.voxcpm.ssml.SsmlParser;
import io.voxcpm.ssml.Style;
import io.voxcpm.ssml.VoiceHint;
import io.voxcpm.text.SentenceSplitter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a client sent (SSML or plain text, plus MRCP-level defaults) into {@link Segment}s: each
 * sentence a {@link Segment.Speech} holding the {@link SynthesisRequest} an engine gets: exactly one mode,
 * its voice and typed generation parameters.
 *
 * <p><b>Segments.</b> A change of voice, language, prosody or parameters starts a new segment, and text
 * is split into sentences with {@link SentenceSplitter} (VoxCPM2 drifts on long text, and the first
 * sentence's audio can leave while the next is generated). A {@code <break>} or {@code <mark>} inside a
 * sentence splits it, so the silence or the marker lands exactly there.
 *
 * <p><b>Modes.</b> With the voice named (first registered name of SSML's list, else {@code Voice-Name};
 * {@code default} means none) and the description ({@code vx:design}):
 * <ul>
 *   <li>no voice, no description, no gender/age → {@code zero_shot};</li>
 *   <li>a description, or gender/age from which one is built ({@link VoiceDescriptions}) → {@code design};</li>
 *   <li>a registered design voice → {@code design} with its description (an explicit one wins);</li>
 *   <li>a registered clone voice → {@code ultimate_clone} when it has a transcript and no style is
 *       requested or stored with it, else {@code clone} with the requested (or stored) style.</li>
 * </ul>
 * A {@code mode} parameter forces a mode where the voice allows it (e.g. {@code clone} for a voice that
 * has a transcript); {@code ultimate_clone} with a requested style description is rejected, as the model
 * cannot do both.
 *
 * <p><b>Parameters</b> rise in precedence: server defaults, the voice's defaults, the request's
 * ({@link RequestDefaults#parameters()}), SSML ({@code vx:} attributes). Each layer is parsed on its
 * own ({@link Knobs}) so the error says where a bad value came from; this is the only place client text
 * becomes generation parameters. The engine gets a mode always and a rate when the prosody is not normal.
 * A {@code cache=bypass} request parameter goes into the request's {@link RequestContext}, with the
 * caller's session tag, never into what is said.
 *
 * <p><b>Engine view.</b> A registered design voice reaches the engine as its description only (no name:
 * the model bridge looks names up as recordings); a clone voice by its name, its style as
 * {@link VoiceSpec#description()}.
 *
 * <p>Immutable and thread-safe if the catalog is.
 */
public final class RequestPlanner {

    private static final Logger log = LoggerFactory.getLogger(RequestPlanner.class);
    private static final String DEFAULT_VOICE = "default";

    private final VoiceCatalog catalog;
    private final Knobs serverDefaults;
    private final SentenceSplitter splitter;
    private final boolean unknownVoiceFallsBack;
    private final ParameterCaps caps;

    /** A planner with the default splitter that rejects unknown voice names. */
    public RequestPlanner(VoiceCatalog catalog, Map<String, String> serverDefaults) {
        this(catalog, serverDefaults, new SentenceSplitter(), false);
    }

    /**
     * @param serverDefaults        generation parameters of this server (lowest precedence)
     * @param unknownVoiceFallsBack whether a voice name that is not registered is ignored (the rest of
     *                              the voice request still applies) instead of failing with
     *                              {@link Reason#UNKNOWN_VOICE}; for clients that always send a name
     * @throws IllegalArgumentException when a server default is invalid
     */
    public RequestPlanner(VoiceCatalog catalog, Map<String, String> serverDefaults, SentenceSplitter splitter,
            boolean unknownVoiceFallsBack) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.splitter = Objects.requireNonNull(splitter, "splitter");
        this.unknownVoiceFallsBack = unknownVoiceFallsBack;
        this.caps = ParameterCaps.MODEL;
        try {
            this.serverDefaults = Knobs.parse(serverDefaults, "server default");
        } catch (SynthesisException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private RequestPlanner(RequestPlanner base, ParameterCaps caps) {
        this.catalog = base.catalog;
        this.splitter = base.splitter;
        this.unknownVoiceFallsBack = base.unknownVoiceFallsBack;
        this.serverDefaults = base.serverDefaults;
        this.caps = Objects.requireNonNull(caps, "caps");
    }

    /** This planner, refusing caller-chosen parameters past {@code caps} ({@link ParameterCaps}). */
    public RequestPlanner withCaps(ParameterCaps caps) {
        return new RequestPlanner(this, caps);
    }

    /** Plans an SSML document ({@code application/ssml+xml}). */
    public List<Segment> planSsml(String ssml, RequestDefaults defaults) throws SynthesisException {
        return plan(SsmlParser.parse(ssml, baseStyle(defaults)), defaults, PronunciationLexicon.EMPTY);
    }

    /** Plans plain text ({@code text/plain}): line breaks and punctuation delimit sentences. */
    public List<Segment> planText(String text, RequestDefaults defaults) throws SynthesisException {
        return plan(SsmlDocument.text(text, baseStyle(defaults)), defaults, PronunciationLexicon.EMPTY);
    }

    /** {@link #plan(SsmlDocument, RequestDefaults, PronunciationLexicon, RequestContext)} for no session in particular. */
    public List<Segment> plan(SsmlDocument document, RequestDefaults defaults, PronunciationLexicon lexicon)
            throws SynthesisException {
        return plan(document, defaults, lexicon, RequestContext.NONE);
    }

    /**
     * Plans a document already read with {@link #baseStyle}{@code (defaults)} as its base (SSML through
     * {@link SsmlParser}, plain text through {@link SsmlDocument#text}), with {@code lexicon}'s aliases
     * replacing the words they define before sentences are split, so the engines, the prompt cache's keys
     * and the log all see what is actually said. Every request made carries {@code context}, with the
     * cache policy the request parameters ask for.
     */
    public List<Segment> plan(SsmlDocument document, RequestDefaults defaults, PronunciationLexicon lexicon,
            RequestContext context) throws SynthesisException {
        Knobs request = Knobs.parse(defaults.parameters(), "request parameter");
        caps.check(request.generation(), "request parameter");
        if (defaults.variant() != null && request.generation().seed() == null) {
            Long seed = GenerationParameters.parse(
                    Map.of(GenerationParameters.SEED, defaults.variant().toString()), "Voice-Variant").seed();
            request = new Knobs(request.mode(), request.generation().withSeed(seed));
        }
        RequestContext asked = context.withCache(
                RequestContext.CachePolicy.fromParameter(defaults.parameters().get(RequestContext.CACHE_PARAMETER)));
        return plan(document.segments(), request, asked, new HashMap<>(), lexicon);
    }

    /**
     * A request parameter (e.g. FreeSWITCH's {@code {voice-description=...}}, which arrives in
     * Vendor-Specific-Parameters) that describes the voice in words, as SSML's {@code vx:design} does.
     */
    public static final String VOICE_DESCRIPTION_PARAMETER = "voice-description";

    /**
     * The outermost style: the MRCP headers as if they wrapped the whole document.
     *
     * @throws SynthesisException {@link Reason#INVALID_REQUEST} for a header value that cannot be used
     */
    public static Style baseStyle(RequestDefaults d) throws SynthesisException {
        String gender = d.gender() == null || d.gender().isBlank() ? null : d.gender().trim().toLowerCase(Locale.ROOT);
        if (gender != null && !gender.equals("male") && !gender.equals("female") && !gender.equals("neutral")) {
            throw new SynthesisException(Reason.INVALID_REQUEST, "Voice-Gender '" + d.gender()
                    + "' is not male, female or neutral");
        }
        if (d.age() != null && (d.age() < 0 || d.age() > 150)) {
            throw new SynthesisException(Reason.INVALID_REQUEST, "Voice-Age " + d.age() + " is not from 0 to 150");
        }
        Prosody prosody = Prosody.NORMAL;
        try {
            prosody = d.rate() == null || d.rate().isBlank() ? prosody : prosody.withRate(d.rate());
            prosody = d.volume() == null || d.volume().isBlank() ? prosody : prosody.withVolume(d.volume());
        } catch (IllegalArgumentException e) {
            throw new SynthesisException(Reason.INVALID_REQUEST, "Prosody " + e.getMessage());
        }
        List<String> names = d.voiceName() == null || d.voiceName().isBlank() ? List.of() : List.of(d.voiceName().trim());
        String language = d.language() == null || d.language().isBlank() ? null : d.language().trim();
        String description = d.parameters().get(VOICE_DESCRIPTION_PARAMETER);
        description = description == null || description.isBlank() ? null : description.trim();
        return new Style(language, new VoiceHint(names, gender, d.age(), d.variant(), null, description), prosody,
                Map.of());
    }

    private List<Segment> plan(List<Segment> parts, Knobs request, RequestContext context,
            Map<Style, Resolved> resolved, PronunciationLexicon lexicon) throws SynthesisException {
        List<Segment> out = new ArrayList<>();
        for (Segment part : parts) {
            if (part instanceof Segment.Text t) {
                List<String> sentences = splitter.split(lexicon.apply(t.text()));
                if (sentences.isEmpty()) {
                    continue;
                }
                Resolved r = resolved.get(t.style());
                if (r == null) {
                    r = resolve(t.style(), request);
                    resolved.put(t.style(), r);
                }
                for (String s : sentences) {
                    out.add(new Segment.Speech(new SynthesisRequest(s, t.style().language(), r.voice(), r.mode(),
                            r.generation(), context), t.style().prosody()));
                }
            } else if (part instanceof Segment.AudioRef a) {
                out.add(new Segment.AudioRef(a.name(), plan(a.fallback(), request, context, resolved, lexicon)));
            } else if (part instanceof Segment.Pause || part instanceof Segment.Mark) {
                out.add(part);
            } else {
                throw new IllegalArgumentException("already planned: " + part);
            }
        }
        return List.copyOf(out);
    }

    private record Resolved(VoiceSpec voice, SynthesisMode mode, GenerationParameters generation) {
    }

    private Resolved resolve(Style style, Knobs request) throws SynthesisException {
        VoiceHint hint = style.voice();
        String name = null;
        VoiceProfile profile = null;
        List<String> names = hint.names().stream().filter(n -> !n.equalsIgnoreCase(DEFAULT_VOICE)).toList();
        for (String n : names) {
            var found = catalog.find(n);
            if (found.isPresent()) {
                name = n;
                profile = found.get();
                break;
            }
        }
        if (profile == null && !names.isEmpty()) {
            if (!unknownVoiceFallsBack) {
                throw new SynthesisException(Reason.UNKNOWN_VOICE, "unknown voice '"
                        + String.join("' or '", names) + "' (not in the voice registry)");
            }
            log.info("Voice '{}' is not registered; using the rest of the voice request", String.join(" ", names));
        }
        Knobs knobs = serverDefaults;
        if (profile != null) {
            knobs = knobs.overriddenBy(Knobs.parse(profile.defaultParameters(), "voice '" + name + "' default"));
        }
        Knobs ssml = Knobs.parse(style.parameters(), "SSML");
        caps.check(ssml.generation(), "SSML");
        knobs = knobs.overriddenBy(request).overriddenBy(ssml);
        SynthesisMode requested = knobs.mode();
        String explicit = VoiceDescriptions.clean(hint.description());

        VoiceSpec voice;
        SynthesisMode mode;
        if (profile instanceof VoiceProfile.Clone clone) {
            String styleText = explicit != null ? explicit : VoiceDescriptions.clean(clone.styleDescription());
            mode = requested != null ? requested
                    : clone.hasTranscript() && styleText == null ? SynthesisMode.ULTIMATE_CLONE : SynthesisMode.CLONE;
            switch (mode) {
                case ULTIMATE_CLONE -> {
                    require(clone.hasTranscript(), "voice '" + name + "' has no transcript, so it cannot be used in "
                            + "mode ultimate_clone; use mode clone");
                    require(explicit == null, "mode ultimate_clone takes no style description (voice '" + name
                            + "' continues its recording's own delivery): drop the description or use mode clone");
                    styleText = null; // the voice's stored style is a default; ultimate cloning was asked for
                }
                case CLONE -> {
                    // a style is optional
                }
                default -> throw invalid("voice '" + name + "' is a cloned voice; mode " + mode.value()
                        + " cannot use it");
            }
            voice = new VoiceSpec(name, hint.gender(), hint.age(), styleText);
        } else if (profile instanceof VoiceProfile.Design design) {
            mode = requested != null ? requested : SynthesisMode.DESIGN;
            require(mode == SynthesisMode.DESIGN, "voice '" + name + "' is a designed voice; it can only be used in "
                    + "mode design, not " + mode.value());
            String description = explicit != null ? explicit : VoiceDescriptions.clean(design.description());
            require(description != null, "voice '" + name + "' has an empty description");
            voice = new VoiceSpec(null, hint.gender(), hint.age(), description);
        } else {
            String description = explicit != null ? explicit : VoiceDescriptions.describe(hint.gender(), hint.age());
            mode = requested != null ? requested : description != null ? SynthesisMode.DESIGN : SynthesisMode.ZERO_SHOT;
            switch (mode) {
                case ZERO_SHOT -> {
                    require(explicit == null, "mode zero_shot takes no voice description");
                    description = null; // one built from gender/age yields to the mode asked for
                }
                case DESIGN -> require(description != null,
                        "mode design needs a voice description (vx:design) or a gender or age");
                default -> throw invalid("mode " + mode.value() + " needs a registered cloned voice "
                        + "(Voice-Name or <voice name>)");
            }
            voice = new VoiceSpec(null, hint.gender(), hint.age(), description);
        }
        GenerationParameters generation = knobs.generation();
        if (!style.prosody().isNormalRate()) {
            generation = generation.withRate(new BigDecimal(style.prosody().rate()));
        }
        return new Resolved(voice, mode, generation);
    }

    private static void require(boolean condition, String message) throws SynthesisException {
        if (!condition) {
            throw invalid(message);
        }
    }

    private static SynthesisException invalid(String message) {
        return new SynthesisException(Reason.INVALID_REQUEST, message);
    }
}
