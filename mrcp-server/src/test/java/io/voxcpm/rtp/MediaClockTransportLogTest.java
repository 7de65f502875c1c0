package io.voxcpm.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.slf4j.LoggerFactory;

/** The transport the RTP clock paces on is logged, at WARN where Linux should have given epoll. */
@EnabledOnOs(OS.LINUX)
class MediaClockTransportLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(MediaClock.class);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    @BeforeEach
    void capture() {
        events.start();
        logger.addAppender(events);
    }

    @AfterEach
    void release() {
        logger.detachAppender(events);
    }

    @Test
    void nioOnLinuxIsAWarning() {
        try (MediaClock ignored = new MediaClock(1, false)) {
            assertThat(events.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("nio transport on Linux").contains("epoll");
            });
        }
    }

    @Test
    void epollIsInformational() {
        try (MediaClock ignored = new MediaClock(1, true)) {
            assertThat(events.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.INFO);
                assertThat(e.getFormattedMessage()).contains("epoll transport");
            });
        }
    }
}
