package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.Availability;
import io.voxcpm.mrcp.message.MrcpHeaderNames;

/**
 * What GET-PARAMS tells an operator about the speech path, as read-only Vendor-Specific-Parameters after
 * the session's own: {@code engine=<the engine new SPEAKs go to>;engine-status=ok|fallback|unavailable},
 * and when not ok {@code engine-reason="<why>"} (a quoted string: it has spaces). For example
 * {@code engine=embedded-marytts;engine-status=fallback;engine-reason="voxcpm2 unavailable: no healthy worker
 * (2 endpoints: 2 circuit open, 0 failing)"}.
 */
final class EngineStatus {

    private static final int MAX_REASON_CHARS = 160;

    private EngineStatus() {
    }

    /** {@code value} (may be null) with the engine's status appended, clipped to fit one header line. */
    static String appendTo(String value, Availability availability) {
        String status = "engine=" + availability.engine() + ";engine-status=" + switch (availability.state()) {
            case READY -> "ok";
            case FALLBACK -> "fallback";
            case UNAVAILABLE -> "unavailable";
        };
        if (availability.reason() != null && !availability.reason().isBlank()) {
            String reason = availability.reason().replaceAll("[\"\\\\;\\s]+", " ").strip();
            status += ";engine-reason=\"" + (reason.length() > MAX_REASON_CHARS
                    ? reason.substring(0, MAX_REASON_CHARS) + "..." : reason) + "\"";
        }
        String combined = value == null || value.isBlank() ? status : value + ";" + status;
        return HeaderValues.fitsOneLine(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, combined) ? combined : status;
    }

    static boolean isVendorParameters(String header) {
        return header.equalsIgnoreCase(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS);
    }
}
