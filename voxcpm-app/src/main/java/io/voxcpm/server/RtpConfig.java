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
 */
public record RtpConfig(@JsonProperty("port-min") Integer portMin, @JsonProperty("port-max") Integer portMax,
                        @JsonProperty("ptime-ms") Integer ptimeMs) {

    public static final RtpConfig DEFAULTS = new RtpConfig(null, null, null);

    public RtpConfig {
        portMin = or(portMin, 5000);
        portMax = or(portMax, 6000);
        ptimeMs = or(ptimeMs, 20);
    }

    public RtpConfig withPorts(int min, int max) {
        return new RtpConfig(min, max, ptimeMs);
    }

    void check(List<String> problems) {
        if (portMin < 1024 || portMax > 65534 || portMin >= portMax) {
            problems.add("rtp.port-min/port-max must be a range within 1024-65534, got " + portMin + "-" + portMax);
        }
        if (ptimeMs < 10 || ptimeMs > 200 || ptimeMs % 10 != 0) {
            problems.add("rtp.ptime-ms must be a multiple of 10 between 10 and 200, got " + ptimeMs);
        }
    }
}
