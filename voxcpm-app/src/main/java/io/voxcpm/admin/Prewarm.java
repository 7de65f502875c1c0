package io.voxcpm.admin;

import io.voxcpm.cli.EngineOptions;
import io.voxcpm.cli.EngineProvider;
import io.voxcpm.cli.Speaker;
import io.voxcpm.engine.ForwardingSpeechEngine;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.request.RequestDefaults;
import io.voxcpm.request.RequestPlanner;
import io.voxcpm.ssml.SsmlDocument;
import io.voxcpm.ssml.SsmlParser;
import io.voxcpm.ssml.Style;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.ops.http.HttpError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Pre-warm jobs: a posted prompt list rendered through the server's own engine (behind its prompt cache), one
 * prompt at a time and one job at a time, planned as a call plans it so the entries are the ones calls look up.
 * Progress is polled by id. At most {@value #QUEUED} jobs wait; more are refused (429), and finished jobs are
 * kept for polling until {@value #KEPT} newer ones replace them.
 */
final class Prewarm implements AutoCloseable {

    static final int QUEUED = 4;
    static final int KEPT = 32;

    /** One prompt: plain text or SSML, with the voice and language a call would give it. */
    record Prompt(String text, String ssml, String voice, String language) { }

    private final Supplier<SpeechEngine> engine;
    private final VoiceCatalog catalog;
    private final ThreadPoolExecutor runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED), r -> {
                Thread t = new Thread(r, "admin-prewarm");
                t.setDaemon(true);
                return t;
            });
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger started = new AtomicInteger();

    Prewarm(Supplier<SpeechEngine> engine, VoiceCatalog catalog) {
        this.engine = engine;
        this.catalog = catalog;
    }

    Job submit(List<Prompt> prompts) {
        SpeechEngine current = engine.get();
        if (current == null) {
            throw new HttpError(503, "not_ready", "the speech engine is still loading; try again shortly");
        }
        Job job = new Job(UUID.randomUUID().toString(), prompts, started.incrementAndGet());
        jobs.put(job.id, job);
        try {
            runner.execute(() -> job.run(current, catalog));
        } catch (RejectedExecutionException e) {
            jobs.remove(job.id);
            throw new HttpError(429, "too_many_jobs", QUEUED + " pre-warm jobs are already waiting; poll them and try later");
        }
        jobs.values().removeIf(j -> j.sequence <= job.sequence - KEPT);
        return job;
    }

    Job find(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            throw new HttpError(404, "job_not_found", "no pre-warm job " + id + " (finished jobs are kept for the last "
                    + KEPT + ")");
        }
        return job;
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }

    static final class Job {
        final String id;
        final List<Prompt> prompts;
        final int sequence;
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final List<String> errors = new ArrayList<>();
        volatile String state = "queued";

        Job(String id, List<Prompt> prompts, int sequence) {
            this.id = id;
            this.prompts = List.copyOf(prompts);
            this.sequence = sequence;
        }

        void run(SpeechEngine engine, VoiceCatalog catalog) {
            state = "running";
            try (Speaker speaker = Speaker.open(provider(engine, catalog), new EngineOptions(null, 1), null)) {
                for (Prompt p : prompts) {
                    if (Thread.currentThread().isInterrupted()) {
                        state = "cancelled";
                        return;
                    }
                    try {
                        RequestDefaults defaults = new RequestDefaults(p.voice(), null, null, null, p.language(), null,
                                null, Map.of());
                        Style base = RequestPlanner.baseStyle(defaults);
                        speaker.speak(defaults, p.ssml() != null ? SsmlParser.parse(p.ssml(), base)
                                : SsmlDocument.text(p.text(), base));
                    } catch (SynthesisException | RuntimeException e) {
                        failed.incrementAndGet();
                        synchronized (errors) {
                            if (errors.size() < 20) {
                                errors.add(shortText(p) + ": " + e.getMessage());
                            }
                        }
                    }
                    done.incrementAndGet();
                }
            }
            state = "done";
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("state", state);
            m.put("total", prompts.size());
            m.put("done", done.get());
            m.put("failed", failed.get());
            synchronized (errors) {
                m.put("errors", List.copyOf(errors));
            }
            m.put("status_url", "/admin/v1/cache/prewarm/" + id);
            return m;
        }

        private static String shortText(Prompt p) {
            String t = p.text() != null ? p.text() : p.ssml();
            return t.length() > 40 ? t.substring(0, 40) + "..." : t;
        }
    }

    /** The server's engine as the planner-driven {@link Speaker} wants it; closing the speaker leaves it running. */
    private static EngineProvider provider(SpeechEngine engine, VoiceCatalog catalog) {
        SpeechEngine shared = new Shared(engine);
        return new EngineProvider() {
            @Override
            public SpeechEngine open(EngineOptions options) {
                return shared;
            }

            @Override
            public VoiceCatalog voiceCatalog() {
                return catalog;
            }
        };
    }

    /**
     * The server's engine, which closes with the server. Its view of one prompt is the server engine's own
     * ({@link ForwardingSpeechEngine#forUtterance}), so a fallback chain speaks a whole prompt with one engine,
     * as it does for a call, and the cache entries pre-warmed are the ones a call looks up.
     */
    private static final class Shared extends ForwardingSpeechEngine {
        Shared(SpeechEngine engine) {
            super(engine);
        }

        @Override
        protected SpeechEngine decorate(SpeechEngine utterance) {
            return new Shared(utterance);
        }

        @Override
        public void close() {
            // the server's engine: it closes with the server
        }
    }
}
