package io.voxcpm.e2e;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TEST DOUBLE standing in for the speech model, not for server code: it produces a 440 Hz tone and fails,
 * stalls or races exactly as the text tells it, which MaryTTS cannot be made to do. A directive anywhere in
 * the text, e.g. {@code [[seconds=3 speed=10 fail-after=0.5 reason=ENGINE_FAILURE delay-ms=0]]}:
 * <ul>
 *   <li>{@code seconds}: audio to produce (default 1.0)</li>
 *   <li>{@code speed}: times real time it is produced at (default 4)</li>
 *   <li>{@code fail-after}: seconds of audio after which it fails (0: before any audio)</li>
 *   <li>{@code reason}: the {@link SynthesisException.Reason} of that failure (default ENGINE_FAILURE)</li>
 *   <li>{@code message-chars}: pads the failure message to that length</li>
 *   <li>{@code delay-ms}: wait before the first chunk (a slow engine)</li>
 *   <li>{@code peak-dbfs}: the tone's peak level (default about -12.3 dBFS, amplitude 8000): engines and voices
 *       that speak at different levels</li>
 * </ul>
 */
final class ScriptedStandInEngine implements SpeechEngine {

    static final int RATE = 16_000;
    private static final Pattern DIRECTIVE = Pattern.compile("\\[\\[(.*?)]]");
    private static final int CHUNK_MS = 100;

    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stand-in-engine");
        t.setDaemon(true);
        return t;
    });
    private final List<SynthesisRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();

    @Override
    public String name() {
        return "scripted-stand-in";
    }

    @Override
    public int sampleRate() {
        return RATE;
    }

    List<SynthesisRequest> requests() {
        return requests;
    }

    /** Syntheses started and not yet ended or cancelled. */
    int running() {
        return running.get();
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        requests.add(request);
        Script script = Script.of(request.text());
        running.incrementAndGet();
        Run run = new Run(script, sink);
        run.next = clock.schedule(run::step, script.delayMs, TimeUnit.MILLISECONDS);
        return run::cancel;
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }

    private final class Run {
        final Script script;
        final AudioSink sink;
        volatile ScheduledFuture<?> next;
        boolean over;
        long producedSamples;

        Run(Script script, AudioSink sink) {
            this.script = script;
            this.sink = sink;
        }

        synchronized void step() {
            if (over) {
                return;
            }
            long total = (long) (script.seconds * RATE);
            long failAt = script.failAfter < 0 ? Long.MAX_VALUE : (long) (script.failAfter * RATE);
            if (producedSamples >= failAt) {
                end();
                sink.onError(new SynthesisException(script.reason, script.message()));
                return;
            }
            if (producedSamples >= total) {
                end();
                sink.onComplete();
                return;
            }
            int n = (int) Math.min(Math.min(RATE * CHUNK_MS / 1000, total - producedSamples), failAt - producedSamples);
            short[] chunk = new short[n];
            for (int i = 0; i < n; i++) {
                chunk[i] = (short) (script.amplitude() * Math.sin(2 * Math.PI * 440 * (producedSamples + i) / RATE));
            }
            producedSamples += n;
            sink.onAudio(chunk);
            long waitMs = (long) (n * 1000.0 / RATE / script.speed);
            next = clock.schedule(this::step, waitMs, TimeUnit.MILLISECONDS);
        }

        synchronized void cancel() {
            if (!over) {
                end();
                ScheduledFuture<?> f = next;
                if (f != null) {
                    f.cancel(false);
                }
            }
        }

        private void end() {
            over = true;
            running.decrementAndGet();
        }
    }

    private record Script(double seconds, double speed, double failAfter, SynthesisException.Reason reason,
                          int messageChars, long delayMs, double amplitude) {

        static Script of(String text) {
            double seconds = 1.0;
            double speed = 4;
            double failAfter = -1;
            SynthesisException.Reason reason = SynthesisException.Reason.ENGINE_FAILURE;
            int messageChars = 0;
            long delayMs = 0;
            double amplitude = 8000;
            Matcher m = DIRECTIVE.matcher(text);
            if (m.find()) {
                for (String item : m.group(1).trim().split("\\s+")) {
                    String[] kv = item.split("=", 2);
                    if (kv.length != 2) {
                        continue;
                    }
                    switch (kv[0]) {
                        case "seconds" -> seconds = Double.parseDouble(kv[1]);
                        case "speed" -> speed = Double.parseDouble(kv[1]);
                        case "fail-after" -> failAfter = Double.parseDouble(kv[1]);
                        case "reason" -> reason = SynthesisException.Reason.valueOf(kv[1]);
                        case "message-chars" -> messageChars = Integer.parseInt(kv[1]);
                        case "delay-ms" -> delayMs = Long.parseLong(kv[1]);
                        case "peak-dbfs" -> amplitude = 32767 * Math.pow(10, Double.parseDouble(kv[1]) / 20);
                        default -> throw new IllegalArgumentException("unknown directive " + kv[0]);
                    }
                }
            }
            return new Script(seconds, speed, failAfter, reason, messageChars, delayMs, amplitude);
        }

        String message() {
            String base = "stand-in engine failed as scripted (" + reason + ")";
            return messageChars <= base.length() ? base : base + " " + "x".repeat(messageChars - base.length() - 1);
        }
    }
}
