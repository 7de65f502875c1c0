package io.voxcpm.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The phase logic in virtual time: the test is the clock, calling {@link PhaseWheel#run} slot by slot. */
class PhaseWheelTest {

    /** A stream that writes down the slots it ticked in; active until told otherwise. */
    private static final class Recorder implements Paced {
        final List<Long> ticks = new ArrayList<>();
        private final long[] now;
        boolean active = true;

        Recorder(long[] now) {
            this.now = now;
        }

        @Override
        public boolean tick(long slot) {
            ticks.add(slot);
            return active;
        }

        @Override
        public boolean active() {
            return active;
        }
    }

    private final long[] now = new long[1];

    private void runSlots(PhaseWheel wheel, long from, long to) {
        for (long s = from; s < to; s++) {
            now[0] = s;
            wheel.run(s);
        }
    }

    @Test
    void twoThousandStreamsStartedTogetherAreSpreadEvenlyOverTheTwentySlotsAndEachTicksEveryTwentySlots() {
        PhaseWheel wheel = new PhaseWheel(20);
        List<Recorder> streams = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Recorder r = new Recorder(now);
            streams.add(r);
            wheel.add(r, 1000); // all registered between the same two slots
        }

        assertThat(wheel.occupancy()).containsOnly(100);
        int[] perSlot = new int[20];
        runSlots(wheel, 1000, 1100);
        for (Recorder r : streams) {
            assertThat(r.ticks).hasSize(5);
            for (int k = 1; k < r.ticks.size(); k++) {
                assertThat(r.ticks.get(k) - r.ticks.get(k - 1)).isEqualTo(20);
            }
            assertThat(r.ticks.get(0)).isBetween(1000L, 1019L);
            perSlot[(int) (r.ticks.get(0) - 1000)]++;
        }
        assertThat(perSlot).as("first packets per slot").containsOnly(100);
    }

    @Test
    void aLoneStreamStartsOnTheNextSlotNotUpToAPtimeLater() {
        PhaseWheel wheel = new PhaseWheel(20);
        Recorder r = new Recorder(now);
        wheel.add(r, 37);

        runSlots(wheel, 37, 80);

        assertThat(r.ticks).containsExactly(37L, 57L, 77L);
    }

    @Test
    void aNewStreamTakesTheSoonestOfTheLeastUsedPhases() {
        PhaseWheel wheel = new PhaseWheel(4);
        // one stream in each phase, then a second in phase 1 and 2: phases 0 and 3 have fewest
        for (int i = 0; i < 4; i++) {
            wheel.add(new Recorder(now), i);
        }
        wheel.add(new Recorder(now), 1);
        wheel.add(new Recorder(now), 2);
        assertThat(wheel.occupancy()).containsExactly(1, 2, 2, 1);

        Recorder late = new Recorder(now);
        wheel.add(late, 9); // slot 9 is phase 1 (full); the next least used after it is phase 3 (slot 11)
        runSlots(wheel, 9, 20);

        assertThat(late.ticks).containsExactly(11L, 15L, 19L);
    }

    @Test
    void aStreamKeepsItsPhaseWhileOthersComeAndGo() {
        PhaseWheel wheel = new PhaseWheel(20);
        Recorder kept = new Recorder(now);
        wheel.add(kept, 0);
        List<Recorder> others = new ArrayList<>();
        for (long s = 0; s < 200; s++) {
            now[0] = s;
            if (s % 3 == 0) {
                Recorder other = new Recorder(now);
                others.add(other);
                wheel.add(other, s + 1);
            }
            if (s % 7 == 0 && !others.isEmpty()) {
                assertThat(wheel.remove(others.remove(0))).isTrue();
            }
            wheel.run(s);
        }

        assertThat(kept.ticks).hasSize(10);
        for (int k = 0; k < kept.ticks.size(); k++) {
            assertThat(kept.ticks.get(k)).isEqualTo(20L * k);
        }
        assertThat(wheel.size()).isEqualTo(1 + others.size());
        assertThat(wheel.remove(new Recorder(now))).isFalse();
    }

    @Test
    void aTalkspurtMovesItsStreamToTheNextSlotInsteadOfWaitingForItsPhase() {
        PhaseWheel wheel = new PhaseWheel(20);
        Recorder stream = new Recorder(now);
        wheel.add(stream, 0); // set up at slot 0: phase 0
        for (int i = 0; i < 39; i++) {
            wheel.add(new Recorder(now), 1); // two streams in every phase
        }
        runSlots(wheel, 0, 25);
        assertThat(stream.ticks).containsExactly(0L, 20L);

        assertThat(wheel.restart(stream, 25)).isTrue(); // its talkspurt began during slot 24
        runSlots(wheel, 25, 70);

        assertThat(stream.ticks).containsExactly(0L, 20L, 25L, 45L, 65L);
        assertThat(wheel.size()).isEqualTo(40);
        assertThat(wheel.restart(new Recorder(now), 70)).as("a stream not on the wheel").isFalse();
    }

    @Test
    void aMoveThatComesAfterTheTalkspurtsFirstPacketLeavesThePhaseAlone() {
        PhaseWheel wheel = new PhaseWheel(20);
        List<Long> ticks = new ArrayList<>();
        boolean[] sent = new boolean[1];
        Paced stream = new Paced() {
            @Override
            public boolean tick(long slot) {
                ticks.add(slot);
                sent[0] = true;
                return true;
            }

            @Override
            public boolean midTalkspurt() {
                return sent[0];
            }
        };
        wheel.add(stream, 0);
        runSlots(wheel, 0, 5);

        assertThat(wheel.restart(stream, 5)).isFalse();
        runSlots(wheel, 5, 41);
        assertThat(ticks).containsExactly(0L, 20L, 40L);
    }

    @Test
    void talkspurtsBeginningTogetherFillTheSoonestSlotsOnlyAnEighthPastTheirShare() {
        PhaseWheel wheel = new PhaseWheel(20);
        List<Recorder> streams = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Recorder r = new Recorder(now);
            streams.add(r);
            wheel.add(r, i / 20); // set up over 100 slots: 100 a phase
        }
        for (Recorder r : streams) {
            wheel.restart(r, 500); // every talkspurt begins in slot 499
        }

        int[] occupancy = wheel.occupancy();
        assertThat(Arrays.stream(occupancy).sum()).isEqualTo(2000);
        assertThat(Arrays.stream(occupancy).max().orElseThrow()).as("no slot past its share + 1/8").isEqualTo(112);
        assertThat(occupancy[0]).as("the soonest slot filled first").isEqualTo(112);
    }

    @Test
    void aStreamThrowingAnErrorNeitherStopsTheOthersInItsSlotNorTheWheel() {
        PhaseWheel wheel = new PhaseWheel(1); // every stream in the one phase
        Recorder before = new Recorder(now);
        Recorder after = new Recorder(now);
        wheel.add(before, 0);
        wheel.add(slot -> {
            throw new StackOverflowError("a stream gone wrong");
        }, 0);
        wheel.add(after, 0);

        runSlots(wheel, 0, 3);

        assertThat(before.ticks).containsExactly(0L, 1L, 2L);
        assertThat(after.ticks).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aSlotIsActiveWhenAnyOfItsStreamsIsAndTheWheelKnowsWithoutTicking() {
        PhaseWheel wheel = new PhaseWheel(2);
        Recorder idle = new Recorder(now);
        Recorder talking = new Recorder(now);
        idle.active = false;
        talking.active = false;
        wheel.add(idle, 0);
        wheel.add(talking, 0); // phase 1

        assertThat(wheel.run(0)).isFalse();
        assertThat(wheel.run(1)).isFalse();
        assertThat(wheel.anyActive()).isFalse();

        talking.active = true;
        assertThat(wheel.anyActive()).isTrue();
        assertThat(idle.ticks).containsExactly(0L);
        assertThat(talking.ticks).containsExactly(1L);
        now[0] = 2;
        assertThat(wheel.run(2)).isFalse();
        now[0] = 3;
        assertThat(wheel.run(3)).isTrue();
        now[0] = 4;
        assertThat(wheel.run(4)).isFalse();
    }

    @Test
    void aWheelHasAtLeastOnePhase() {
        assertThatThrownBy(() -> new PhaseWheel(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
