package io.voxcpm.server;

import static io.voxcpm.server.ConfigValues.or;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code rtp:} section.
 *
 * @param portMin lowest local RTP port a session may take
 * @param portMax highest local RTP port
 * @param ptimeMs a packet's duration; validated, but nothing reads it yet (kept so existing files stay valid)
 * @param realtimePriority the media clock's {@code SCHED_FIFO} priority, 1-99, or 0 for the normal scheduler;
 *                         null (not in the file) is {@value #DEFAULT_REALTIME_PRIORITY} where the process may,
 *                         and the normal scheduler, said at INFO, where it may not
 */
public record RtpConfig(@JsonProperty("port-min") Integer portMin, @JsonProperty("port-max") Integer portMax,
                        @JsonProperty("ptime-ms") Integer ptimeMs,
                        @JsonProperty("realtime-priority") Integer realtimePriority) {

    public static final RtpConfig DEFAULTS = new RtpConfig(null, null, null, null);
    static final int DEFAULT_REALTIME_PRIORITY = 10;

    public RtpConfig {
        portMin = or(portMin, 5000);
        portMax = or(portMax, 6000);
        ptimeMs = or(ptimeMs, 20);
    }

    public RtpConfig(Integer portMin, Integer portMax, Integer ptimeMs) {
        this(portMin, portMax, ptimeMs, null);
    }

    public RtpConfig withPorts(int min, int max) {
        return new RtpConfig(min, max, ptimeMs, realtimePriority);
    }

    /** The priority to ask for: the file's, or the default when the file names none. */
    public int realtimePriorityOrDefault() {
        return realtimePriority == null ? DEFAULT_REALTIME_PRIORITY : realtimePriority;
    }

    void check(List<String> problems) {
        if (portMin < 1024 || portMax > 65534 || portMin >= portMax) {
            problems.add("rtp.port-min/port-max must be a range within 1024-65534, got " + portMin + "-" + portMax);
        }
        if (ptimeMs < 10 || ptimeMs > 200 || ptimeMs % 10 != 0) {
            problems.add("rtp.ptime-ms must be a multiple of 10 between 10 and 200, got " + ptimeMs);
        }
        if (realtimePriority != null && (realtimePriority < 0 || realtimePriority > 99)) {
            problems.add("rtp.realtime-priority must be 0 (the normal scheduler) or a SCHED_FIFO priority 1-99, got "
                    + realtimePriority);
        }
    }
}
