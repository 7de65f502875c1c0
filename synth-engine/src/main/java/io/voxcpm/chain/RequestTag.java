package io.voxcpm.chain;

import io.voxcpm.engine.SynthesisRequest;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Who asked, for the chain's log lines, which run on whatever engine thread delivers the first audio:
 * the caller's logging context (the MRCP session's tag) as it was when the request was made, or, when
 * the caller set none, the session tag of the request's context.
 */
final class RequestTag {

    private final Map<String, String> context;
    private final String prefix;

    private RequestTag(Map<String, String> context, String prefix) {
        this.context = context;
        this.prefix = prefix;
    }

    /** Captures the calling thread's logging context. */
    static RequestTag of(SynthesisRequest request) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        if (context != null && !context.isEmpty()) {
            return new RequestTag(context, "");
        }
        return new RequestTag(null, "[" + request.context().tagOrDash() + "] ");
    }

    /** What goes in front of a message logged under {@link #run}. */
    String prefix() {
        return prefix;
    }

    /** Runs {@code logging} with the captured context in place, then restores the thread's own. */
    void run(Runnable logging) {
        if (context == null) {
            logging.run();
            return;
        }
        Map<String, String> own = MDC.getCopyOfContextMap();
        MDC.setContextMap(context);
        try {
            logging.run();
        } finally {
            if (own == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(own);
            }
        }
    }
}
