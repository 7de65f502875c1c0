package io.voxcpm.e2e;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects Netty's {@code LEAK:} reports (logged by io.netty.util.ResourceLeakDetector, at PARANOID level
 * in tests) and unexpected exceptions (a WARN or ERROR of ours or Netty's that carries a stack trace: client
 * mistakes are logged without one) so a test can fail on them instead of a line scrolling by. Wired to the
 * root logger in logback-test.xml.
 */
public final class LeakReports extends AppenderBase<ILoggingEvent> {

    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();
    private static final List<String> EXCEPTIONS = new CopyOnWriteArrayList<>();

    static List<String> reports() {
        return List.copyOf(REPORTS);
    }

    static List<String> unexpectedExceptions() {
        return List.copyOf(EXCEPTIONS);
    }

    /** How many unexpected exceptions were recorded so far: tests in one JVM check only their own. */
    static int exceptionMark() {
        return EXCEPTIONS.size();
    }

    static List<String> unexpectedExceptionsSince(int mark) {
        List<String> all = unexpectedExceptions();
        return all.subList(Math.min(mark, all.size()), all.size());
    }

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message != null && message.contains("LEAK:")) {
            REPORTS.add(message);
        } else if (event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() != null
                && (event.getLoggerName().startsWith("io.voxcpm") || event.getLoggerName().startsWith("io.netty"))) {
            EXCEPTIONS.add(event.getLoggerName() + ": " + message + ": " + event.getThrowableProxy().getClassName());
        }
    }
}
