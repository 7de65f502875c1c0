package io.voxcpm.ops;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code drain:} section, what SIGTERM does: readiness turns false and new INVITEs get 503 with Retry-After
 * at once; SPEAKs in progress play to their end for up to {@code timeout-s}; then every session ends with BYE
 * and the process exits 0. A second SIGTERM ends at once.
 *
 * @param timeoutS    the longest wait for SPEAKs in progress (keep it below Kubernetes'
 *                    terminationGracePeriodSeconds, 30 s by default)
 * @param retryAfterS the Retry-After of the 503 answered to INVITEs while draining
 */
public record DrainConfig(@JsonProperty("timeout-s") Integer timeoutS,
                          @JsonProperty("retry-after-s") Integer retryAfterS) {

    public static final DrainConfig DEFAULTS = new DrainConfig(null, null);

    public DrainConfig {
        timeoutS = timeoutS == null ? 25 : timeoutS;
        retryAfterS = retryAfterS == null ? 5 : retryAfterS;
    }

    /** Adds each problem of this section to {@code problems}, worded for the operator. */
    public void check(List<String> problems) {
        if (timeoutS < 0 || retryAfterS < 1) {
            problems.add("drain.timeout-s must be 0 or more and drain.retry-after-s at least 1, got "
                    + timeoutS + " and " + retryAfterS);
        }
    }
}
