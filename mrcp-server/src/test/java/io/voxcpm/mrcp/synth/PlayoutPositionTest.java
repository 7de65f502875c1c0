package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The playback model CONTROL jumps rely on, driven with explicit nanosecond times (no clock involved). */
class PlayoutPositionTest {

    private static final long PTIME = 20_000_000L;

    @Test
    void aFullQueueDrainsOneFramePerPtime() {
        PlayoutPosition p = new PlayoutPosition(PTIME, 0);
        p.queued(100, 0);
        assertThat(p.position(10 * PTIME)).isEqualTo(10);
        assertThat(p.position(10 * PTIME + PTIME / 2)).isEqualTo(10);
        assertThat(p.position(250 * PTIME)).as("never past what was queued").isEqualTo(100);
    }

    @Test
    void aSlowEngineIsCountedFrameByFrame() {
        PlayoutPosition p = new PlayoutPosition(PTIME, 0);
        p.queued(5, 0);
        // the queue ran dry after 5 ptimes; 20 ptimes of silence pass before more audio arrives
        p.queued(5, 25 * PTIME);
        assertThat(p.position(25 * PTIME)).isEqualTo(5);
        assertThat(p.position(28 * PTIME)).isEqualTo(8);
    }

    @Test
    void nothingPlaysWhilePausedAndARestartCountsFromItsFrame() {
        PlayoutPosition p = new PlayoutPosition(PTIME, 0);
        p.queued(100, 0);
        p.pause(10 * PTIME);
        assertThat(p.position(60 * PTIME)).isEqualTo(10);
        p.resume(60 * PTIME);
        assertThat(p.position(65 * PTIME)).isEqualTo(15);
        p.restartAt(40, 65 * PTIME);
        p.queued(60, 65 * PTIME);
        assertThat(p.position(70 * PTIME)).isEqualTo(45);
    }
}
