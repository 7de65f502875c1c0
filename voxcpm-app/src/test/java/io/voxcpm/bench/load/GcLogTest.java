package io.voxcpm.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcLogTest {

    @Test
    void readsG1ZgcAndGenerationalZgcPausesAndSafepointsAppendedAfterTheStart(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("gc.log");
        Files.writeString(log, "[1.0s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 99.000ms\n");
        GcLog gc = new GcLog(log);
        Files.writeString(log, String.join("\n",
                "[2.0s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2.345ms",
                "[2.1s][info][gc,phases] GC(2) Pause Mark Start 0.012ms",
                "[2.2s][info][gc,phases] GC(3) Y: Pause Mark End 0.030ms",
                "[2.3s][info][gc] GC(2) Garbage Collection (Warmup) 56M(3%)->20M(1%)",
                "[2.35s][info][gc] Allocation Stall (rtp-clock-1) 12.500ms",
                "[2.4s][info][safepoint] Safepoint \"ZMarkStart\", Time since last: 1 ns, Reaching safepoint: 5000 ns, "
                        + "At safepoint: 20000 ns, Total: 25000 ns",
                "") + "\n", StandardOpenOption.APPEND);
        GcLog.Pauses p = gc.sinceStart();
        assertThat(p.gc().count()).isEqualTo(3);
        assertThat(p.gc().max()).isEqualTo(2.345);
        assertThat(p.gc().min()).isEqualTo(0.012);
        assertThat(p.safepoints().count()).isEqualTo(1);
        assertThat(p.safepoints().max()).isEqualTo(0.025);
        assertThat(p.stalls().count()).isEqualTo(1);
        assertThat(p.stalls().max()).isEqualTo(12.5);
    }
}
