package io.voxcpm.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SpeakTextsTest {

    private static final String TEXT = "Thank you for calling. Please hold.";

    @Test
    void byDefaultEverySessionSpeaksTheSameTextSoTheCacheIsHit() {
        LoadBench bench = new LoadBench();
        new CommandLine(bench).parseArgs("-n", "10");
        SpeakTexts warm = bench.texts("w");
        SpeakTexts run = bench.texts("r");
        assertThat(run.distinct()).isFalse();
        for (int i = 0; i < 10; i++) {
            assertThat(run.of(i)).isEqualTo(TEXT);
            assertThat(warm.of(i)).isEqualTo(TEXT);
        }
    }

    @Test
    void uniqueTextGivesEverySessionOfEveryRunItsOwnText() {
        LoadBench bench = new LoadBench();
        new CommandLine(bench).parseArgs("--unique-text", "--text", "Please hold.");
        SpeakTexts warm = bench.texts("w");
        SpeakTexts run = bench.texts("r");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(run.of(i)).endsWith(": Please hold.");
            assertThat(seen.add(run.of(i))).as("run text %d repeated", i).isTrue();
            assertThat(seen.add(warm.of(i))).as("warm-up text %d is also a run text", i).isTrue();
        }
    }

    @Test
    void theTagStaysInTheFirstSentenceSoTheEnginesFirstRequestCarriesIt() {
        String spoken = SpeakTexts.unique(TEXT, "r42").of(7);
        assertThat(spoken.substring(0, spoken.indexOf('.'))).contains("r42-7");
    }

    @Test
    void theSessionIsReadBackFromBytesAroundTheText() {
        SpeakTexts texts = SpeakTexts.unique(TEXT, "r42");
        String framed = "\u0000\u0000\u0000\u0000\u0042\n\u0040" + texts.of(1234) + "\u0010\u0001";
        assertThat(texts.sessionOf(framed)).isEqualTo(1234);
        assertThat(texts.sessionOf(SpeakTexts.unique(TEXT, "r43").of(1234))).isEqualTo(-1);
        assertThat(texts.sessionOf("Ticket r42-: " + TEXT)).isEqualTo(-1);
        assertThat(texts.sessionOf("Ticket r42-12")).as("cut before the colon").isEqualTo(-1);
        assertThat(SpeakTexts.same(TEXT).sessionOf(texts.of(3))).isEqualTo(-1);
    }

    @Test
    void runTagsThatCouldBreakTheTextAreRefused() {
        assertThatThrownBy(() -> SpeakTexts.unique(TEXT, "a.b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpeakTexts.unique(TEXT, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
