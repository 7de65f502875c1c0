package io.voxcpm.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RtpStreamTest {

    private static final long MS = 1_000_000L;

    @Test
    void aPerfectlyPacedStreamHasNoJitterNoLatenessAndPacingOne() {
        RtpStream s = new RtpStream(8000);
        for (int i = 0; i < 150; i++) {
            s.add(1_000 * MS + i * 20 * MS, 100 + i, 5000 + i * 160L);
        }
        Stats jitter = new Stats();
        RtpStream.Result r = s.analyse(jitter);
        assertThat(r.received()).isEqualTo(150);
        assertThat(r.lost()).isZero();
        assertThat(r.late()).isZero();
        assertThat(r.maxLatenessMs()).isZero();
        assertThat(r.pacing()).isCloseTo(1.0, within(1e-9));
        assertThat(jitter.count()).isEqualTo(149);
        assertThat(jitter.max()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void jitterIsTheTransitDifferenceOfConsecutivePacketsAndLatenessIsMeasuredFromTheBestPacket() {
        RtpStream s = new RtpStream(8000);
        s.add(0, 1, 0);
        s.add(20 * MS, 2, 160);
        s.add(45 * MS, 3, 320);     // 5 ms behind the grid
        s.add(60 * MS, 4, 480);     // back on it
        s.add(115 * MS, 5, 640);    // 35 ms behind: late
        Stats jitter = new Stats();
        RtpStream.Result r = s.analyse(jitter);
        assertThat(jitter.count()).isEqualTo(4);
        assertThat(jitter.percentile(25)).isCloseTo(0.0, within(1e-9));
        assertThat(jitter.percentile(50)).isCloseTo(5.0, within(1e-9));
        assertThat(jitter.percentile(75)).isCloseTo(5.0, within(1e-9));
        assertThat(jitter.max()).isCloseTo(35.0, within(1e-9));
        assertThat(r.late()).isEqualTo(1);
        assertThat(r.maxLatenessMs()).isCloseTo(35.0, within(1e-9));
        // RFC 3550 J: J += (|D| - J)/16 after each packet: 0, 5/16, (5-5/16)/16 + 5/16, ...
        double j = 0;
        for (double d : new double[] {0, 5, 5, 35}) {
            j += (d - j) / 16;
        }
        assertThat(r.finalJitterMs()).isCloseTo(j, within(1e-9));
        assertThat(r.pacing()).isCloseTo(115.0 / 80.0, within(1e-9));
    }

    @Test
    void aStreamRunningAtAThirdOfRealTimeIsLateAndPacedAtThree() {
        RtpStream s = new RtpStream(8000);
        for (int i = 0; i < 100; i++) {
            s.add(i * 60 * MS, i, i * 160L);
        }
        RtpStream.Result r = s.analyse(new Stats());
        assertThat(r.pacing()).isCloseTo(3.0, within(1e-9));
        // packet i is 40*i ms behind: late from i = 1 (40 ms) on
        assertThat(r.late()).isEqualTo(99);
    }

    @Test
    void gapsInTheSequenceAreLostAndDuplicatesAreNot() {
        RtpStream s = new RtpStream(8000);
        s.add(0, 10, 0);
        s.add(20 * MS, 11, 160);
        s.add(21 * MS, 11, 160);   // duplicate
        s.add(80 * MS, 14, 640);   // 12 and 13 lost
        RtpStream.Result r = s.analyse(new Stats());
        assertThat(r.received()).isEqualTo(4);
        assertThat(r.distinct()).isEqualTo(3);
        assertThat(r.lost()).isEqualTo(2);
    }

    @Test
    void sequenceAndTimestampWrapAround() {
        RtpStream s = new RtpStream(16000);
        for (int i = 0; i < 10; i++) {
            s.add(i * 20 * MS, (65530 + i) & 0xffff, (0xffffff00L + i * 320L) & 0xffffffffL);
        }
        RtpStream.Result r = s.analyse(new Stats());
        assertThat(r.lost()).isZero();
        assertThat(r.late()).isZero();
        assertThat(r.pacing()).isCloseTo(1.0, within(1e-9));
    }
}
