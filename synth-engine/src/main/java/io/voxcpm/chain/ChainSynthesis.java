package io.voxcpm.chain;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Support;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.engine.SynthesisMode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One request through the chain: tries links in order until one produces audio, then stays with it.
 * Callbacks of one attempt arrive in order on the link's threads; an attempt's errors may also arrive on
 * the caller's thread inside {@code synthesize}, so moving on never holds a lock while calling an engine.
 */
final class ChainSynthesis implements Synthesis {

    private final EngineChain chain;
    private final Utterance utterance;
    private final SynthesisRequest request;
    private final AudioSink sink;
    private final RequestTag tag;
    /** Why links were passed over, in order: for the fallback's WARN line and the final error. */
    private final List<String> passedOver = new CopyOnWriteArrayList<>();
    /** A fallback was skipped because it would have changed the voice (default-only). */
    private volatile boolean refusedVoice;
    /** Audio of this request has reached the sink: no failover any more. */
    private volatile boolean audible;
    private volatile boolean cancelled;
    // guarded by this
    private int attempts;
    private Synthesis current;

    ChainSynthesis(EngineChain chain, Utterance utterance, SynthesisRequest request, AudioSink sink) {
        this.chain = chain;
        this.utterance = utterance;
        this.request = request;
        this.sink = sink;
        this.tag = RequestTag.of(request);
    }

    void start() {
        next(0);
    }

    @Override
    public void cancel() {
        Synthesis c;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            c = current;
        }
        if (c != null) {
            c.cancel();
        }
    }

    /** Hands the request to the first link from {@code from} on that has its audio or takes requests now. */
    private void next(int from) {
        Choice choice = choose(from);
        if (choice == null) {
            giveUp();
        } else {
            attempt(choice.index(), choice.asked(), choice.cached());
        }
    }

    /** Link {@code index} is to be asked {@code asked}; {@code cached}: it holds that audio already. */
    record Choice(int index, SynthesisRequest asked, boolean cached) {
    }

    /**
     * The first link from {@code from} on that has the request's audio or takes requests now, and what it is to
     * be asked; null when none (why is in {@link #passedOver}). Calls no engine but to ask what it holds.
     */
    Choice choose(int from) {
        int pinned = utterance.pinned();
        for (int i = from; i < chain.size(); i++) {
            if (pinned >= 0 && i != pinned) {
                continue;
            }
            SpeechEngine link = chain.link(i);
            SynthesisRequest asked = requestFor(i, link);
            if (asked == null) {
                continue;
            }
            boolean cached = link.hasAudioFor(asked);
            if (pinned >= 0 || cached) {
                return new Choice(i, asked, cached);
            }
            Availability a = link.availability();
            if (a.takesRequests()) {
                return new Choice(i, asked, false);
            }
            passedOver.add(link.name() + " unavailable: " + a.reason());
        }
        return null;
    }

    /** What link {@code index} is asked: the request itself, or null when the link must not speak it. */
    private SynthesisRequest requestFor(int index, SpeechEngine link) {
        if (index == 0) {
            return request; // the primary is what was asked for: its own errors say what it cannot do
        }
        Support support = link.support(request);
        return switch (support) {
            case AS_ASKED -> request;
            case NONE -> {
                passedOver.add(link.name() + " cannot speak " + (request.language() == null ? "this request"
                        : "language " + request.language()));
                yield null;
            }
            case OWN_VOICE -> {
                if (chain.fallbackVoices() == FallbackVoices.ANY) {
                    yield inDefaultVoice(request);
                }
                refusedVoice = true;
                yield null;
            }
        };
    }

    private void attempt(int index, SynthesisRequest asked, boolean cached) {
        int attempt;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            attempt = ++attempts;
            current = null;
        }
        Synthesis s = chain.link(index).synthesize(asked, new LinkSink(index, attempt, cached));
        boolean cancelNow;
        synchronized (this) {
            if (attempts != attempt) {
                return; // it failed inside synthesize and the next link has been tried already
            }
            current = s;
            cancelNow = cancelled;
        }
        if (cancelNow) {
            s.cancel();
        }
    }

    private void giveUp() {
        if (cancelled) {
            return;
        }
        String primary = chain.link(0).name();
        SynthesisException e;
        if (refusedVoice) {
            chain.stats().countRefusal();
            e = new SynthesisException(Reason.ENGINE_FAILURE, "not spoken: " + voiceOf(request) + " needs " + primary
                    + " and fallback-voices is default-only" + (passedOver.isEmpty() ? ""
                    : "; " + String.join("; ", passedOver)));
        } else {
            chain.stats().countExhausted();
            e = new SynthesisException(Reason.ENGINE_FAILURE, "no engine can speak now: "
                    + String.join("; ", passedOver));
        }
        sink.onError(e);
    }

    /** A fallback's own voice: no registered voice, no description, zero-shot (as the planner sends "default"). */
    static SynthesisRequest inDefaultVoice(SynthesisRequest r) {
        return r.withVoice(VoiceSpec.DEFAULT, SynthesisMode.ZERO_SHOT);
    }

    static String voiceOf(SynthesisRequest r) {
        String mode = r.modeName();
        return r.voice().nameIfSet().map(n -> "voice '" + n + "' (" + mode + ")")
                .orElse("a " + mode + " voice");
    }

    private static boolean worthAnotherEngine(SynthesisException e) {
        return e.reason() == Reason.OVERLOADED || e.reason() == Reason.ENGINE_FAILURE;
    }

    /** One link's callbacks; stale ones (an attempt given up) and those after cancel are dropped. */
    private final class LinkSink implements AudioSink {
        private final int index;
        private final int attempt;
        private final boolean cached;

        LinkSink(int index, int attempt, boolean cached) {
            this.index = index;
            this.attempt = attempt;
            this.cached = cached;
        }

        @Override
        public void onAudio(short[] samples) {
            if (cancelled) {
                return;
            }
            if (!audible) {
                if (!utterance.claim(index, cached, tag, passedOver)) {
                    Synthesis s;
                    synchronized (ChainSynthesis.this) {
                        s = current;
                        cancelled = true;
                    }
                    if (s != null) {
                        s.cancel();
                    }
                    sink.onError(new SynthesisException(Reason.ENGINE_FAILURE, chain.link(index).name()
                            + " would change the voice within one SPEAK: another engine spoke its start"));
                    return;
                }
                audible = true;
            }
            sink.onAudio(samples);
        }

        @Override
        public void onComplete() {
            if (!cancelled) {
                sink.onComplete();
            }
        }

        @Override
        public void onError(SynthesisException error) {
            if (cancelled) {
                return;
            }
            if (audible || utterance.pinned() >= 0 || !worthAnotherEngine(error)) {
                sink.onError(error);
                return;
            }
            synchronized (ChainSynthesis.this) {
                if (attempts != attempt) {
                    return;
                }
            }
            chain.stats().countFailover();
            passedOver.add(chain.link(index).name() + " failed: " + error.getMessage());
            next(index + 1);
        }
    }
}
