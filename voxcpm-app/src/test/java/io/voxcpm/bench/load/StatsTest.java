package io.voxcpm.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankPercentilesAreValuesThatWereMeasured() {
        Stats s = new Stats();
        for (int i = 100; i >= 1; i--) {
            s.add(i); // out of order on purpose
        }
        assertThat(s.percentile(50)).isEqualTo(50);
        assertThat(s.percentile(99)).isEqualTo(99);
        assertThat(s.percentile(99.9)).isEqualTo(100);
        assertThat(s.percentile(100)).isEqualTo(100);
        assertThat(s.percentile(0.5)).isEqualTo(1);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.mean()).isEqualTo(50.5);
    }

    @Test
    void p99OfFewValuesIsTheirMaximum() {
        Stats s = new Stats();
        s.add(3);
        s.add(7);
        s.add(5);
        assertThat(s.percentile(99)).isEqualTo(7);
        assertThat(s.percentile(50)).isEqualTo(5);
        s.add(1); // adding after a sort sorts again
        assertThat(s.percentile(25)).isEqualTo(1);
    }

    @Test
    void emptyIsNanAndOutOfRangeIsRefused() {
        Stats s = new Stats();
        assertThat(s.percentile(99)).isNaN();
        assertThat(s.max()).isNaN();
        s.add(1);
        assertThatThrownBy(() -> s.percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.percentile(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
