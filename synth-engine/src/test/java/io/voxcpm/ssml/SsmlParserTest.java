package io.voxcpm.ssml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.request.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SsmlParserTest {

    private static final String SPEAK = "<speak version=\"1.1\" xmlns=\"http://www.w3.org/2001/10/synthesis\" "
            + "xmlns:vx=\"urn:voxcpm-mrcp:ssml:1\" xml:lang=\"en-US\">";

    private static List<Segment> parse(String body) throws SynthesisException {
        return SsmlParser.parse(SPEAK + body + "</speak>").segments();
    }

    private static List<String> texts(List<Segment> parts) {
        return parts.stream().filter(p -> p instanceof Segment.Text).map(p -> ((Segment.Text) p).text().strip())
                .toList();
    }

    private static Segment.Text onlyText(String body) throws SynthesisException {
        List<Segment> parts = parse(body);
        assertThat(parts).hasSize(1).first().isInstanceOf(Segment.Text.class);
        return (Segment.Text) parts.get(0);
    }

    @Test
    void sameStyleTextStaysOnePartWithSentenceBoundaries() throws Exception {
        Segment.Text t = onlyText("<p><s>Welcome   to\n Acme.</s><s>Press <emphasis>one</emphasis></s></p>");
        assertThat(t.text().strip()).isEqualTo("Welcome to Acme.\n\n\n\nPress one");
        assertThat(t.style().language()).isEqualTo("en-US");
        assertThat(t.style().voice()).isEqualTo(VoiceHint.NONE);
    }

    @Test
    void xmlLangIsInheritedAndOverriddenAnywhere() throws Exception {
        List<Segment> parts = parse("Hello <lang xml:lang=\"fr-FR\">bonjour <emphasis xml:lang=\"de\">hallo</emphasis>"
                + " encore</lang> again");
        assertThat(parts).extracting(p -> ((Segment.Text) p).style().language())
                .containsExactly("en-US", "fr-FR", "de", "fr-FR", "en-US");
        assertThat(texts(parts)).containsExactly("Hello", "bonjour", "hallo", "encore", "again");
    }

    @Test
    void langWithoutXmlLangAndBadTagsFail() {
        assertParseFailure(SPEAK + "<lang>x</lang></speak>", "xml:lang");
        assertParseFailure(SPEAK + "<s xml:lang=\"en US\">x</s></speak>", "language tag");
    }

    @Test
    void breaksByTimeAndStrength() throws Exception {
        List<Segment> parts = parse("a<break time=\"250ms\"/>b<break time=\"1.5s\"/>c<break/>d"
                + "<break strength=\"x-strong\"/>e<break strength=\"none\"/>f<break time=\"99s\"/>g");
        assertThat(parts).filteredOn(p -> p instanceof Segment.Pause)
                .extracting(p -> ((Segment.Pause) p).duration())
                .containsExactly(Duration.ofMillis(250), Duration.ofMillis(1500), Duration.ofMillis(400),
                        Duration.ofMillis(1200), SsmlParser.MAX_BREAK);
        assertThat(texts(parts)).containsExactly("a", "b", "c", "d", "e f", "g");
        assertParseFailure(SPEAK + "a<break time=\"soon\"/></speak>", "break time");
        assertParseFailure(SPEAK + "a<break strength=\"huge\"/></speak>", "break strength");
    }

    @Test
    void prosodyNestsRelativeChanges() throws Exception {
        List<Segment> parts = parse("<prosody rate=\"slow\" volume=\"-6dB\" pitch=\"high\">a "
                + "<prosody rate=\"+50%\" volume=\"+3dB\">b</prosody></prosody><prosody rate=\"150%\" volume=\"silent\">c</prosody>");
        List<Prosody> p = parts.stream().map(x -> ((Segment.Text) x).style().prosody()).toList();
        assertThat(p.get(0).rate()).isEqualTo(0.8);
        assertThat(p.get(0).volumeDb()).isEqualTo(-6.0);
        assertThat(p.get(0).pitch()).isEqualTo("high");
        assertThat(p.get(1).rate()).isCloseTo(1.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(p.get(1).volumeDb()).isEqualTo(-3.0);
        assertThat(p.get(1).pitch()).isEqualTo("high");
        assertThat(p.get(2).rate()).isEqualTo(1.5);
        assertThat(p.get(2).gain()).isZero();
        assertParseFailure(SPEAK + "<prosody rate=\"warp\">x</prosody></speak>", "prosody rate");
    }

    @Test
    void sayAsExpandsInEnglish() throws Exception {
        assertThat(said("digits", null, "4021")).isEqualTo("four zero two one");
        assertThat(said("characters", null, "AbC1")).isEqualTo("A B C one");
        assertThat(said("spell-out", null, "ok")).isEqualTo("O K");
        assertThat(said("telephone", null, "+1 (555) 010-4477"))
                .isEqualTo("plus one, five five five, zero one zero, four four seven seven");
        assertThat(said("cardinal", null, "1,234,567")).isEqualTo("one million two hundred thirty-four thousand five hundred sixty-seven");
        assertThat(said("cardinal", null, "-3.14")).isEqualTo("minus three point one four");
        assertThat(said("ordinal", null, "22nd")).isEqualTo("twenty-second");
        assertThat(said("number", "ordinal", "3")).isEqualTo("third");
        assertThat(said("date", "ymd", "2024-03-05")).isEqualTo("March fifth, twenty twenty-four");
        assertThat(said("date", "dmy", "31/12/1999")).isEqualTo("December thirty-first, nineteen ninety-nine");
        assertThat(said("date", "mdy", "7/4/2005")).isEqualTo("July fourth, two thousand five");
        assertThat(said("date", "md", "12-25")).isEqualTo("December twenty-fifth");
        assertThat(said("date", null, "2010-10-01")).isEqualTo("October first, twenty ten");
        assertThat(said("date", "ymd", "2024-13-05")).isEqualTo("2024-13-05"); // no month 13: kept
        assertThat(said("currency", null, "$12.50")).isEqualTo("twelve dollars and fifty cents");
        assertThat(said("currency", null, "1 EUR")).isEqualTo("one euro");
        assertThat(said("currency", null, "£0.01")).isEqualTo("one penny");
        assertThat(said("currency", "USD", "2,000")).isEqualTo("two thousand dollars");
        assertThat(said("currency", null, "12 XYZ")).isEqualTo("12 XYZ");
        assertThat(said("time", null, "10:30")).isEqualTo("10:30"); // not supported: kept
    }

    @Test
    void sayAsInOtherLanguagesKeepsTheText() throws Exception {
        Segment.Text t = onlyText("<s xml:lang=\"de-DE\"><say-as interpret-as=\"digits\">42</say-as></s>");
        assertThat(t.text().strip()).isEqualTo("42");
        assertParseFailure(SPEAK + "<say-as>1</say-as></speak>", "interpret-as");
    }

    private static String said(String as, String format, String text) throws SynthesisException {
        String f = format == null ? "" : " format=\"" + format + "\"";
        return onlyText("<say-as interpret-as=\"" + as + "\"" + f + ">" + text + "</say-as>").text().strip();
    }

    @Test
    void subSpeaksAliasAndSilentElementsSayNothing() throws Exception {
        Segment.Text t = onlyText("Call <sub alias=\"World Wide Web Consortium\">W3C</sub><desc>x</desc>"
                + "<meta name=\"a\" content=\"b\"/><metadata><foo>y</foo></metadata> now");
        assertThat(t.text().strip()).isEqualTo("Call World Wide Web Consortium now");
        assertParseFailure(SPEAK + "<sub>W3C</sub></speak>", "alias");
    }

    @Test
    void unknownElementsKeepTheirText() throws Exception {
        Segment.Text t = onlyText("<foo:bar xmlns:foo=\"urn:x\">kept <baz>too</baz></foo:bar> <token>w</token>");
        assertThat(t.text().strip()).isEqualTo("kept too w");
    }

    @Test
    void voiceChangesMakeNewPartsAndNest() throws Exception {
        List<Segment> parts = parse("Hi <voice name=\"acme other\" vx:design=\"cheerful\">one "
                + "<voice gender=\"male\" age=\"40\">two <voice variant=\"2\">three</voice></voice>"
                + "<voice languages=\"fr\">four</voice></voice> five");
        List<VoiceHint> v = parts.stream().map(p -> ((Segment.Text) p).style().voice()).toList();
        assertThat(texts(parts)).containsExactly("Hi", "one", "two", "three", "four", "five");
        assertThat(v.get(0)).isEqualTo(VoiceHint.NONE);
        assertThat(v.get(1).names()).containsExactly("acme", "other");
        assertThat(v.get(1).description()).isEqualTo("cheerful");
        assertThat(v.get(2)).isEqualTo(new VoiceHint(List.of(), "male", 40, null, null, null));
        assertThat(v.get(3)).isEqualTo(new VoiceHint(List.of(), "male", 40, 2, null, null));
        assertThat(((Segment.Text) parts.get(3)).style().parameters()).containsEntry("seed", "2");
        assertThat(v.get(4).names()).containsExactly("acme", "other");
        assertThat(v.get(4).languages()).isEqualTo("fr");
        assertThat(v.get(5)).isEqualTo(VoiceHint.NONE);
        assertParseFailure(SPEAK + "<voice gender=\"robot\">x</voice></speak>", "gender");
        assertParseFailure(SPEAK + "<voice age=\"old\">x</voice></speak>", "age");
    }

    @Test
    void vxParametersInheritAndUnknownOnesFail() throws Exception {
        List<Segment> parts = parse("<prosody vx:cfg=\"1.5\">a<voice vx:timesteps=\"20\" vx:seed=\"7\" "
                + "vx:mode=\"design\" vx:max-length=\"300\" gender=\"female\">b</voice></prosody>");
        assertThat(((Segment.Text) parts.get(0)).style().parameters()).isEqualTo(Map.of("cfg_value", "1.5"));
        assertThat(((Segment.Text) parts.get(1)).style().parameters()).isEqualTo(Map.of("cfg_value", "1.5",
                "inference_timesteps", "20", "seed", "7", "mode", "design", "max_length", "300"));
        assertParseFailure(SPEAK + "<voice vx:cfgg=\"1\">x</voice></speak>", "vx:cfgg");
        assertParseFailure(SPEAK + "<p vx:design=\"x\">x</p></speak>", "vx:design belongs on <voice>");
        assertParseFailure(SPEAK + "<vx:design>x</vx:design></speak>", "attributes");
    }

    @Test
    void marksKeepTheirPlace() throws Exception {
        List<Segment> parts = parse("one <mark name=\"m1\"/>two<mark name=\"end\"/>");
        assertThat(parts).hasSize(4);
        assertThat(((Segment.Text) parts.get(0)).text()).isEqualTo("one ");
        assertThat(parts.get(1)).isEqualTo(new Segment.Mark("m1"));
        assertThat(((Segment.Text) parts.get(2)).text()).isEqualTo("two");
        assertThat(parts.get(3)).isEqualTo(new Segment.Mark("end"));
        assertParseFailure(SPEAK + "<mark/></speak>", "name");
    }

    @Test
    void audioNamesRegisteredPromptsWithFallback() throws Exception {
        List<Segment> parts = parse("<audio src=\"prompt:chime\"/> then <audio src=\"welcome-2.wav\">"
                + "<desc>jingle</desc>Welcome <mark name=\"w\"/></audio>");
        assertThat(parts.get(0)).isEqualTo(new Segment.AudioRef("chime", List.of()));
        Segment.AudioRef second = (Segment.AudioRef) parts.get(2);
        assertThat(second.name()).isEqualTo("welcome-2.wav");
        assertThat(second.fallback()).hasSize(2);
        assertThat(((Segment.Text) second.fallback().get(0)).text().strip()).isEqualTo("Welcome");
        assertThat(second.fallback().get(1)).isEqualTo(new Segment.Mark("w"));
    }

    @Test
    void audioUrlsAreNeverFetched() throws Exception {
        assertThat(texts(parse("<audio src=\"http://127.0.0.1:1/x.wav\">Spoken instead</audio>")))
                .containsExactly("Spoken instead");
        for (String src : new String[] {"http://example.com/a.wav", "file:///etc/passwd", "../a.wav"}) {
            assertThatThrownBy(() -> parse("<audio src=\"" + src + "\"/>"))
                    .isInstanceOfSatisfying(SynthesisException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.URI_FAILURE);
                        assertThat(e.getMessage()).contains(src).contains("line 1");
                    });
        }
    }

    @Test
    void doctypeAndEntitiesAreRejected(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOPSECRET");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE speak [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<speak>a &x; b</speak>";
        assertThatThrownBy(() -> SsmlParser.parse(xxe)).isInstanceOfSatisfying(SynthesisException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.PARSE_FAILURE);
            assertThat(e.getMessage()).doesNotContain("TOPSECRET");
        });
        String billion = "<?xml version=\"1.0\"?><!DOCTYPE speak [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                + "<speak>&b;</speak>";
        assertParseFailure(billion, "");
        assertParseFailure("<!DOCTYPE speak><speak>x</speak>", "DOCTYPE");
    }

    @Test
    void limitsAndMalformedInputFailWithPosition() {
        assertParseFailure("<speak>\n  <p>unclosed\n</speak>", "line 3");
        assertParseFailure("<notspeak>x</notspeak>", "root element");
        assertParseFailure("<speak>" + "x".repeat(SafeXml.MAX_CHARS) + "</speak>", "exceeds");
        assertParseFailure("<speak>" + "<emphasis>".repeat(SsmlParser.MAX_DEPTH + 1) + "x"
                + "</emphasis>".repeat(SsmlParser.MAX_DEPTH + 1) + "</speak>", "deeper");
        assertParseFailure("<speak>" + "<break/>".repeat(SsmlParser.MAX_PARTS + 1) + "</speak>", "parts");
    }

    @Test
    void baseStyleAppliesAroundTheDocument() throws Exception {
        Style base = new Style("en-GB", new VoiceHint(List.of("acme"), null, null, null, null, null),
                Prosody.NORMAL.withRate("slow"), Map.of());
        List<Segment> parts = SsmlParser.parse("<speak>a <prosody rate=\"+50%\">b</prosody>"
                + "<voice gender=\"female\">c</voice></speak>", base).segments();
        List<Style> s = parts.stream().map(p -> ((Segment.Text) p).style()).toList();
        assertThat(s.get(0)).isEqualTo(base);
        assertThat(s.get(1).prosody().rate()).isCloseTo(1.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.get(2).voice()).isEqualTo(new VoiceHint(List.of(), "female", null, null, null, null));
        assertThat(s.get(2).language()).isEqualTo("en-GB");
    }

    private static void assertParseFailure(String ssml, String messagePart) {
        assertThatThrownBy(() -> SsmlParser.parse(ssml)).isInstanceOfSatisfying(SynthesisException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.PARSE_FAILURE);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
