package io.voxcpm.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.ssml.PronunciationLexicon;
import io.voxcpm.ssml.SsmlDocument;
import io.voxcpm.ssml.Style;
import io.voxcpm.text.SentenceSplitter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RequestPlannerTest {

    private static final String SPEAK = "<speak version=\"1.1\" xmlns=\"http://www.w3.org/2001/10/synthesis\" "
            + "xmlns:vx=\"urn:voxcpm-mrcp:ssml:1\" xml:lang=\"en-US\">";

    /** A stand-in for the voice registry: a fixed map, as the integrator's adapter would expose it. */
    private static final Map<String, VoiceProfile> VOICES = Map.of(
            "narrator", new VoiceProfile.Design("A calm middle-aged man (deep voice)", Map.of("cfg_value", "1.6")),
            "acme", new VoiceProfile.Clone(true, null, Map.of("inference_timesteps", "12", "cfg_value", "1.8")),
            "plain", new VoiceProfile.Clone(false, null, Map.of()),
            "styled", new VoiceProfile.Clone(true, "warm and slow", Map.of()));
    private static final VoiceCatalog CATALOG = name -> Optional.ofNullable(VOICES.get(name));

    private final RequestPlanner planner = new RequestPlanner(CATALOG, Map.of("cfg_value", "2.0", "inference_timesteps", "10"));

    private List<Segment.Speech> speech(List<Segment> segments) {
        return segments.stream().filter(s -> s instanceof Segment.Speech).map(s -> (Segment.Speech) s).toList();
    }

    private Segment.Speech one(String ssmlBody, RequestDefaults d) throws SynthesisException {
        List<Segment.Speech> s = speech(planner.planSsml(SPEAK + ssmlBody + "</speak>", d));
        assertThat(s).hasSize(1);
        return s.get(0);
    }

    private Segment.Speech one(String ssmlBody) throws SynthesisException {
        return one(ssmlBody, RequestDefaults.NONE);
    }

    private static RequestDefaults voiceName(String name) {
        return new RequestDefaults(name, null, null, null, null, null, null, Map.of());
    }

    // --- modes -------------------------------------------------------------------------------------

    @Test
    void noVoiceIsZeroShot() throws Exception {
        Segment.Speech s = speech(planner.planText("Hello there.", RequestDefaults.NONE)).get(0);
        assertThat(s.mode()).isEqualTo(SynthesisMode.ZERO_SHOT);
        assertThat(s.voice()).isEqualTo(VoiceSpec.DEFAULT);
        assertThat(one("Hi.", voiceName("default")).mode()).isEqualTo(SynthesisMode.ZERO_SHOT);
    }

    @Test
    void descriptionDesigns() throws Exception {
        Segment.Speech s = one("<voice vx:design=\"A young woman, (gentle) and sweet voice\">Hello.</voice>");
        assertThat(s.mode()).isEqualTo(SynthesisMode.DESIGN);
        assertThat(s.voice().description()).isEqualTo("A young woman, gentle and sweet voice");
        assertThat(s.voice().name()).isNull();
        assertThat(s.request().mode()).isEqualTo(SynthesisMode.DESIGN);
    }

    @Test
    void genderAndAgeBuildADescriptionAndAnExplicitOneWins() throws Exception {
        assertThat(one("<voice gender=\"female\" age=\"30\">Hi.</voice>").voice().description())
                .isEqualTo("A woman in her thirties");
        RequestDefaults headers = new RequestDefaults(null, "male", 72, null, null, null, null, Map.of());
        Segment.Speech s = one("Hi.", headers);
        assertThat(s.mode()).isEqualTo(SynthesisMode.DESIGN);
        assertThat(s.voice()).isEqualTo(new VoiceSpec(null, "male", 72, "An elderly man in his seventies"));
        assertThat(one("<voice gender=\"male\" vx:design=\"A pirate\">Hi.</voice>").voice().description())
                .isEqualTo("A pirate");
    }

    @Test
    void aVoiceDescriptionRequestParameterDesignsLikeVxDesign() throws Exception {
        RequestDefaults vendor = new RequestDefaults(null, null, null, null, null, null, null,
                Map.of(RequestPlanner.VOICE_DESCRIPTION_PARAMETER, "A cheerful young man", "cfg_value", "2.5"));
        Segment.Speech s = one("Hi.", vendor);
        assertThat(s.mode()).isEqualTo(SynthesisMode.DESIGN);
        assertThat(s.voice().description()).isEqualTo("A cheerful young man");
        assertThat(s.generation().asMap()).containsEntry("cfg_value", "2.5")
                .doesNotContainKey(RequestPlanner.VOICE_DESCRIPTION_PARAMETER);
        assertThat(one("<voice vx:design=\"A pirate\">Hi.</voice>", vendor).voice().description())
                .as("SSML markup wins over the request").isEqualTo("A pirate");
    }

    @Test
    void registeredDesignVoiceUsesItsDescriptionAndDefaults() throws Exception {
        Segment.Speech s = one("Hi.", voiceName("narrator"));
        assertThat(s.mode()).isEqualTo(SynthesisMode.DESIGN);
        assertThat(s.voice()).isEqualTo(new VoiceSpec(null, null, null, "A calm middle-aged man deep voice"));
        assertThat(s.generation().asMap()).containsEntry("cfg_value", "1.6");
        assertThat(one("<voice name=\"narrator\" vx:design=\"A whisper\">Hi.</voice>").voice().description())
                .isEqualTo("A whisper");
    }

    @Test
    void cloneVoiceWithTranscriptIsUltimateUnlessAStyleIsAsked() throws Exception {
        Segment.Speech ultimate = one("Hi.", voiceName("acme"));
        assertThat(ultimate.mode()).isEqualTo(SynthesisMode.ULTIMATE_CLONE);
        assertThat(ultimate.voice()).isEqualTo(new VoiceSpec("acme", null, null, null));

        Segment.Speech styled = one("<voice name=\"acme\" vx:design=\"excited\">Hi.</voice>");
        assertThat(styled.mode()).isEqualTo(SynthesisMode.CLONE);
        assertThat(styled.voice()).isEqualTo(new VoiceSpec("acme", null, null, "excited"));

        assertThat(one("Hi.", voiceName("plain")).mode()).isEqualTo(SynthesisMode.CLONE);
        Segment.Speech stored = one("Hi.", voiceName("styled"));
        assertThat(stored.mode()).isEqualTo(SynthesisMode.CLONE);
        assertThat(stored.voice().description()).isEqualTo("warm and slow");
    }

    @Test
    void aModeParameterForcesWhatTheVoiceAllows() throws Exception {
        assertThat(one("<voice name=\"acme\" vx:mode=\"clone\">Hi.</voice>").mode()).isEqualTo(SynthesisMode.CLONE);
        Segment.Speech forced = one("<voice name=\"styled\" vx:mode=\"ultimate_clone\">Hi.</voice>");
        assertThat(forced.mode()).isEqualTo(SynthesisMode.ULTIMATE_CLONE);
        assertThat(forced.voice().description()).isNull(); // the stored style yields
        assertThat(one("<voice gender=\"female\" vx:mode=\"zero_shot\">Hi.</voice>").voice().description()).isNull();
    }

    @Test
    void ultimateCloneWithAStyleIsRejected() {
        assertInvalid(() -> planner.planSsml(SPEAK + "<voice name=\"acme\" vx:design=\"sad\" vx:mode=\"ultimate_clone\">"
                + "Hi.</voice></speak>", RequestDefaults.NONE), "ultimate_clone takes no style description");
        RequestDefaults headers = new RequestDefaults("acme", null, null, null, null, null, null,
                Map.of("mode", "ultimate-clone"));
        assertInvalid(() -> planner.planSsml(SPEAK + "<voice name=\"acme\" vx:design=\"sad\">Hi.</voice></speak>",
                headers), "ultimate_clone takes no style description");
        assertInvalid(() -> planner.planText("Hi.", new RequestDefaults("plain", null, null, null, null, null, null,
                Map.of("mode", "ultimate_clone"))), "has no transcript");
        assertInvalid(() -> planner.planText("Hi.", new RequestDefaults("acme", null, null, null, null, null, null,
                Map.of("mode", "design"))), "cloned voice");
        assertInvalid(() -> planner.planText("Hi.", RequestDefaults.of(Map.of("mode", "clone"))),
                "needs a registered cloned voice");
        assertInvalid(() -> planner.planText("Hi.", RequestDefaults.of(Map.of("mode", "design"))),
                "needs a voice description");
        assertInvalid(() -> planner.planText("Hi.", new RequestDefaults("narrator", null, null, null, null, null, null,
                Map.of("mode", "clone"))), "designed voice");
    }

    @Test
    void unknownVoiceNamesFailOrFallBack() throws Exception {
        assertThatThrownBy(() -> planner.planText("Hi.", voiceName("nobody")))
                .isInstanceOfSatisfying(SynthesisException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_VOICE);
                    assertThat(e.getMessage()).contains("nobody");
                });
        assertThat(one("<voice name=\"nobody acme\">Hi.</voice>").voice().name()).isEqualTo("acme");
        RequestPlanner lenient = new RequestPlanner(CATALOG, Map.of(), new SentenceSplitter(), true);
        Segment.Speech s = speech(lenient.planText("Hi.", new RequestDefaults("nobody", "female", null, null, null,
                null, null, Map.of()))).get(0);
        assertThat(s.mode()).isEqualTo(SynthesisMode.DESIGN);
        assertThat(s.voice()).isEqualTo(new VoiceSpec(null, "female", null, "A female voice"));
    }

    // --- segments ----------------------------------------------------------------------------------

    @Test
    void voiceAndLanguageChangesAndSentencesMakeSegments() throws Exception {
        List<Segment> segments = planner.planSsml(SPEAK + "Welcome to Acme. How can we help?"
                + "<voice name=\"acme\">Press one for sales.</voice>"
                + "<lang xml:lang=\"fr-FR\">Bonjour. Au revoir.</lang>"
                + "<mark name=\"mid\"/>Goodbye<break time=\"300ms\"/>now.</speak>", RequestDefaults.NONE);
        assertThat(segments).extracting(s -> s instanceof Segment.Speech sp ? sp.text() + "|" + sp.language() + "|"
                + sp.mode().value() : s.toString()).containsExactly(
                "Welcome to Acme.|en-US|zero_shot",
                "How can we help?|en-US|zero_shot",
                "Press one for sales.|en-US|ultimate_clone",
                "Bonjour.|fr-FR|zero_shot",
                "Au revoir.|fr-FR|zero_shot",
                "Mark[name=mid]",
                "Goodbye|en-US|zero_shot",
                "Pause[duration=PT0.3S]",
                "now.|en-US|zero_shot");
    }

    @Test
    void longTextIsSplitToTheSplittersLimit() throws Exception {
        RequestPlanner shortSentences = new RequestPlanner(CATALOG, Map.of(), new SentenceSplitter(40), false);
        String text = "This is a rather long sentence, with several clauses, that goes on and on for a while.";
        List<Segment.Speech> s = speech(shortSentences.planText(text, RequestDefaults.NONE));
        assertThat(s).hasSizeGreaterThan(2).allSatisfy(x -> assertThat(x.text().length()).isLessThanOrEqualTo(40));
        assertThat(String.join(" ", s.stream().map(Segment.Speech::text).toList())).isEqualTo(text);
    }

    @Test
    void audioFallbackIsPlannedToo() throws Exception {
        List<Segment> segments = planner.planSsml(SPEAK + "<audio src=\"chime\">Ding <break time=\"1s\"/></audio></speak>",
                RequestDefaults.NONE);
        assertThat(segments).hasSize(1);
        Segment.AudioRef ref = (Segment.AudioRef) segments.get(0);
        assertThat(ref.name()).isEqualTo("chime");
        assertThat(ref.fallback()).hasSize(2);
        assertThat(((Segment.Speech) ref.fallback().get(0)).text()).isEqualTo("Ding");
        assertThat(ref.fallback().get(1)).isEqualTo(new Segment.Pause(Duration.ofSeconds(1)));
    }

    @Test
    void lexiconAliasesAreAppliedBeforeSentencesAreSplitInFallbacksToo() throws Exception {
        io.voxcpm.ssml.PronunciationLexicon lexicon = io.voxcpm.ssml.PronunciationLexicon.parse("<lexicon>"
                + "<lexeme><grapheme>Dr.</grapheme><alias>Doctor</alias></lexeme>"
                + "<lexeme><grapheme>IVR</grapheme><alias>I V R</alias></lexeme></lexicon>");
        List<Segment> segments = planner.plan(io.voxcpm.ssml.SsmlParser.parse(SPEAK + "Call Dr. Smith now."
                + "<audio src=\"chime\">The IVR.</audio></speak>", RequestPlanner.baseStyle(RequestDefaults.NONE)),
                RequestDefaults.NONE, lexicon);
        assertThat(((Segment.Speech) segments.get(0)).text()).as("one sentence: the alias has no full stop")
                .isEqualTo("Call Doctor Smith now.");
        Segment.AudioRef ref = (Segment.AudioRef) segments.get(1);
        assertThat(((Segment.Speech) ref.fallback().get(0)).text()).isEqualTo("The I V R.");
    }

    // --- parameters --------------------------------------------------------------------------------

    @Test
    void parametersRiseFromServerToVoiceToRequestToSsml() throws Exception {
        RequestPlanner p = new RequestPlanner(CATALOG, Map.of("cfg_value", "2.00", "inference_timesteps", "10",
                "seed", "1", "max_length", "2000"));
        RequestDefaults request = new RequestDefaults("acme", null, null, null, null, null, null,
                Map.of("seed", "5", "cfg_value", "1.7", "session_id", "abc"));
        List<Segment.Speech> s = speech(p.planSsml(SPEAK + "One. <prosody vx:cfg=\"1.5\">Two.</prosody></speak>", request));
        // max_length: server; inference_timesteps: voice over server; seed: request over server;
        // cfg_value: request over voice over server, then SSML over request; a client's session_id is no knob
        assertThat(s.get(0).mode()).isEqualTo(SynthesisMode.ULTIMATE_CLONE);
        assertThat(s.get(0).generation()).isEqualTo(new GenerationParameters(new BigDecimal("1.7"), 12, 5L, 2000, null));
        assertThat(s.get(0).generation().asMap()).isEqualTo(Map.of("max_length", "2000",
                "inference_timesteps", "12", "seed", "5", "cfg_value", "1.7"));
        assertThat(s.get(1).generation().asMap()).containsEntry("cfg_value", "1.5").containsEntry("seed", "5");
        assertThat(speech(p.planText("x", RequestDefaults.NONE)).get(0).generation().asMap()).containsEntry("cfg_value", "2");
    }

    @Test
    void theContextCarriesTheSessionAndCachePolicyApartFromWhatIsSaid() throws Exception {
        RequestContext session = RequestContext.session("c0ffee");
        Segment.Speech tagged = speech(planner.plan(SsmlDocument.text("Hi.", Style.DEFAULT), RequestDefaults.NONE,
                PronunciationLexicon.EMPTY, session)).get(0);
        assertThat(tagged.request().context()).isEqualTo(session);

        Segment.Speech bypass = speech(planner.plan(SsmlDocument.text("Hi.", Style.DEFAULT),
                RequestDefaults.of(Map.of("cache", " Bypass ")), PronunciationLexicon.EMPTY, session)).get(0);
        assertThat(bypass.request().context()).isEqualTo(session.withCache(RequestContext.CachePolicy.BYPASS));
        assertThat(bypass.request().withContext(session)).as("what is said is the same")
                .isEqualTo(tagged.request());
        assertThat(speech(planner.planText("Hi.", RequestDefaults.of(Map.of("cache", "use")))).get(0)
                .request().context()).isEqualTo(RequestContext.NONE);
    }

    @Test
    void variantAndProsodyBecomeParameters() throws Exception {
        RequestDefaults headers = new RequestDefaults(null, "female", null, 3, null, "slow", "soft", Map.of());
        List<Segment.Speech> s = speech(planner.planSsml(SPEAK + "a <prosody rate=\"+50%\">b</prosody> "
                + "<voice variant=\"9\">c</voice> <prosody rate=\"default\">d</prosody></speak>", headers));
        assertThat(s.get(0).generation().asMap()).containsEntry("seed", "3").containsEntry("rate", "0.8");
        assertThat(s.get(0).prosody().volumeDb()).isEqualTo(-6.0);
        assertThat(s.get(1).generation().asMap()).containsEntry("rate", "1.2");
        assertThat(s.get(2).generation().asMap()).containsEntry("seed", "9");
        assertThat(s.get(3).generation().asMap()).doesNotContainKey("rate");
    }

    @Test
    void badParametersAreRejectedNamingTheirSource() {
        assertInvalid(() -> planner.planSsml(SPEAK + "<prosody vx:cfg=\"20\">x</prosody></speak>", RequestDefaults.NONE),
                "SSML cfg_value='20': must be a number from 0.1 to 10");
        assertInvalid(() -> planner.planText("x", RequestDefaults.of(Map.of("inference_timesteps", "0"))),
                "request parameter inference_timesteps='0'");
        assertInvalid(() -> planner.planText("x", RequestDefaults.of(Map.of("seed", "abc"))), "seed='abc'");
        assertInvalid(() -> planner.planText("x", RequestDefaults.of(Map.of("max_length", "5000"))), "max_length");
        assertInvalid(() -> planner.planText("x", RequestDefaults.of(Map.of("mode", "karaoke"))), "mode='karaoke'");
        assertInvalid(() -> planner.planText("x", new RequestDefaults(null, "robot", null, null, null, null, null,
                Map.of())), "Voice-Gender");
        assertInvalid(() -> planner.planText("x", new RequestDefaults(null, null, null, null, null, "warp", null,
                Map.of())), "rate 'warp'");
        RequestPlanner badVoice = new RequestPlanner(name -> Optional.of(new VoiceProfile.Clone(false, null,
                Map.of("inference_timesteps", "500"))), Map.of());
        assertInvalid(() -> badVoice.planText("x", voiceName("v")), "voice 'v' default inference_timesteps");
        assertThatThrownBy(() -> new RequestPlanner(CATALOG, Map.of("cfg_value", "-1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server default cfg_value");
    }

    private static void assertInvalid(ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SynthesisException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
