package io.voxcpm.embedded;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SynthesisException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what an engine delivers, in order. */
class RecordingSink implements AudioSink {

    final List<short[]> chunks = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile SynthesisException error;

    @Override
    public void onAudio(short[] samples) {
        chunks.add(samples);
        events.add("audio");
    }

    @Override
    public void onComplete() {
        events.add("complete");
        done.complete(null);
    }

    @Override
    public void onError(SynthesisException e) {
        error = e;
        events.add("error");
        done.complete(null);
    }

    int samples() {
        return chunks.stream().mapToInt(c -> c.length).sum();
    }

    double seconds() {
        return samples() / (double) EmbeddedEngine.SAMPLE_RATE;
    }

    double rmsDbfs() {
        double sum = 0;
        for (short[] c : chunks) {
            for (short s : c) {
                sum += (double) s * s;
            }
        }
        double rms = Math.sqrt(sum / Math.max(1, samples()));
        return 20 * Math.log10(Math.max(rms, 1e-9) / 32768.0);
    }
}
