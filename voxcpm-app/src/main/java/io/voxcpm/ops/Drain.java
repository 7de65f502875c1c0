package io.voxcpm.ops;

import io.voxcpm.server.VoxcpmMrcpServer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graceful stop: readiness false and new INVITEs 503 with Retry-After at once, SPEAKs in progress play
 * to their end for up to {@code drain.timeout-s}, then every session ends with a BYE. What a PBX sees is a
 * prompt that finishes, then a hang-up it can act on, and a server that refuses new calls meanwhile so its
 * dispatcher (Kamailio, a failover list) sends them elsewhere.
 */
public final class Drain {

    private static final Logger log = LoggerFactory.getLogger(Drain.class);
    /** How long the BYEs get to be answered before the listeners close. */
    private static final long BYE_GRACE_MS = 2000;

    private final VoxcpmMrcpServer server;
    private final DrainConfig config;

    public Drain(VoxcpmMrcpServer server, DrainConfig config) {
        this.server = server;
        this.config = config;
    }

    /** Runs the drain to its end; the caller closes the server after. */
    public void run() throws InterruptedException {
        long started = System.nanoTime();
        server.startDraining(config.retryAfterS());
        long deadline = started + TimeUnit.SECONDS.toNanos(config.timeoutS());
        int quietPolls = 0;
        // two quiet polls in a row: a SPEAK queued behind one that just ended starts a moment later
        while (quietPolls < 2 && System.nanoTime() < deadline) {
            quietPolls = server.activeSpeaks() == 0 ? quietPolls + 1 : 0;
            if (quietPolls < 2) {
                Thread.sleep(100);
            }
        }
        int cut = server.activeSpeaks();
        if (cut > 0) {
            log.warn("drain: {} SPEAKs still playing after drain.timeout-s {}: ending their calls", cut,
                    config.timeoutS());
        }
        int ended = server.hangUpAll("server shutting down");
        long byeDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BYE_GRACE_MS);
        while (server.sessionCount() > 0 && System.nanoTime() < byeDeadline) {
            Thread.sleep(50);
        }
        log.info("drain done after {} ms: {} sessions ended with BYE, {} left", TimeUnit.NANOSECONDS.toMillis(
                System.nanoTime() - started), ended, server.sessionCount());
    }
}
