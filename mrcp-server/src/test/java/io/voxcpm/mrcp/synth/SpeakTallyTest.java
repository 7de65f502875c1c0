package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The close line's summary of a session's SPEAKs (the played-out case runs end to end in CallLogEndToEndTest). */
class SpeakTallyTest {

    @Test
    void aSessionWithoutSpeaksSaysSo() {
        assertThat(new SpeakTally().summary()).isEqualTo("no SPEAK");
    }

    @Test
    void speaksThatNeverHadAudioAreCountedWithoutAFirstAudioFigure() {
        SpeakTally tally = new SpeakTally();
        tally.stopped(null); // dropped from the queue
        tally.failed(null);  // refused before any audio
        tally.failed(null);
        assertThat(tally.summary()).isEqualTo("speaks 3: 0 complete, 1 stopped, 2 failed; 0 frames");
    }
}
