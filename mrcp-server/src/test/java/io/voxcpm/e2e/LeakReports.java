package io.voxcpm.e2e;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects Netty's {@code LEAK:} reports (logged by io.netty.util.ResourceLeakDetector, at PARANOID level
 * in tests) so a test can fail on them instead of a line scrolling by. Wired in logback-test.xml.
 */
public final class LeakReports extends AppenderBase<ILoggingEvent> {

    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();

    static List<String> reports() {
        return List.copyOf(REPORTS);
    }

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message != null && message.contains("LEAK:")) {
            REPORTS.add(message);
        }
    }
}
