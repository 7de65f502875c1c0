package io.voxcpm.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM as operators expect it of a call server: the first one drains (see {@link Drain}), a second one
 * stops at once. The JVM's own handling (shutdown hooks) cannot tell the two apart: once a shutdown has
 * begun, further signals are ignored. {@code sun.misc.Signal} (module jdk.unsupported, in every JDK from 8
 * to 25) can.
 */
public final class Signals {

    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() { }

    /**
     * Installs the SIGTERM handler: the first signal runs {@code drainThenExit} on a thread of its own, a
     * second one halts the process (exit status 143, as an unhandled SIGTERM).
     *
     * @return false where SIGTERM cannot be handled (then the JVM's default applies: shutdown hooks)
     */
    public static boolean onTerm(Runnable drainThenExit) {
        boolean[] draining = {false};
        try {
            Signal.handle(new Signal("TERM"), signal -> {
                synchronized (draining) {
                    if (draining[0]) {
                        // straight to stderr: the log's background writer does not run after halt
                        System.err.println("voxcpm-mrcp: second SIGTERM: stopping now");
                        System.err.flush();
                        Runtime.getRuntime().halt(143);
                    }
                    draining[0] = true;
                }
                log.info("SIGTERM: draining (a second SIGTERM stops at once)");
                Thread t = new Thread(drainThenExit, "drain");
                t.setDaemon(false);
                t.start();
            });
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("cannot handle SIGTERM ({}): it stops the server without draining", e.getMessage());
            return false;
        }
    }
}
