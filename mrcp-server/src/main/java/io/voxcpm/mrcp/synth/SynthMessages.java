package io.voxcpm.mrcp.synth;

import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.message.MrcpEvent;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpMethodNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.RequestState;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the synthesizer's answers are written. Every value here ends up on one header line, and UniMRCP
 * clients close the connection on a header line of 1 KiB or more, so each is capped well below that.
 */
final class SynthMessages {

    /** UniMRCP closes the connection on a header line of 1 KiB or more; stay well below. */
    static final int MAX_HEADER_LINE_BYTES = 1000;
    private static final long NTP_EPOCH_OFFSET_S = 2_208_988_800L;

    private SynthMessages() {
    }

    /** A response to {@code request}; see {@link SynthStateMachine.Respond} for what becomes which header. */
    static MrcpResponse response(MrcpRequest request, SynthStateMachine.Respond<?> respond) {
        boolean listsIds = respond.requestIds() != null && !respond.requestIds().isEmpty();
        if (!listsIds && respond.cause() == null && respond.reason() == null) {
            // the usual answer (a SPEAK's IN-PROGRESS): no builder for fields it does not have
            return MrcpResponse.to(request, respond.status(), respond.state());
        }
        MrcpHeaders.Builder extra = MrcpHeaders.builder();
        if (listsIds) {
            extra.add(MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST, requestIdList(respond.requestIds()));
        }
        if (respond.cause() != null) {
            extra.add(MrcpHeaderNames.COMPLETION_CAUSE, respond.cause().headerValue());
        }
        if (respond.reason() != null) {
            extra.add(MrcpHeaderNames.COMPLETION_REASON, oneLine(respond.reason()));
        }
        return MrcpResponse.to(request, respond.status(), respond.state(), extra.build());
    }

    /**
     * Active-Request-Id-List capped to one safe header line. The pending-SPEAK limit keeps real lists far
     * below the cap; the cap only guards the client's 1 KiB line buffer.
     */
    static String requestIdList(List<Long> ids) {
        StringBuilder list = new StringBuilder();
        for (Long id : ids) {
            String next = (list.length() == 0 ? "" : ",") + id;
            if (MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST.length() + 2 + list.length() + next.length()
                    > MAX_HEADER_LINE_BYTES) {
                break;
            }
            list.append(next);
        }
        return list.toString();
    }

    /** Null for an absent or empty list, meaning "every request". Unreadable entries are skipped. */
    static Set<Long> parseRequestIdList(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        Set<Long> ids = new HashSet<>();
        for (String part : header.split(",")) {
            try {
                ids.add(Long.parseLong(part.strip()));
            } catch (NumberFormatException ignored) {
                // a client's typo must not turn a targeted STOP into "stop everything"
            }
        }
        return ids;
    }

    /** SPEAK-COMPLETE; {@code reason} and {@code lastMark} are left out when null. */
    static MrcpEvent speakComplete(String channelId, long requestId, CompletionCause cause, String reason,
                                   String lastMark) {
        MrcpHeaders.Builder headers = MrcpHeaders.builder()
                .add(MrcpHeaderNames.CHANNEL_IDENTIFIER, channelId)
                .add(MrcpHeaderNames.COMPLETION_CAUSE, cause.headerValue());
        if (reason != null) {
            headers.add(MrcpHeaderNames.COMPLETION_REASON, reason);
        }
        if (lastMark != null) {
            headers.add(MrcpHeaderNames.SPEECH_MARKER, speechMarker(lastMark));
        }
        return new MrcpEvent(MrcpMethodNames.SPEAK_COMPLETE, requestId, RequestState.COMPLETE, headers.build());
    }

    /** SPEECH-MARKER for {@code mark}, or with no mark name when null (a queued SPEAK's start). */
    static MrcpEvent speechMarkerEvent(String channelId, long requestId, String mark) {
        return new MrcpEvent(MrcpMethodNames.SPEECH_MARKER, requestId, RequestState.IN_PROGRESS,
                MrcpHeaders.builder()
                        .add(MrcpHeaderNames.CHANNEL_IDENTIFIER, channelId)
                        .add(MrcpHeaderNames.SPEECH_MARKER, speechMarker(mark))
                        .build());
    }

    /** {@code timestamp=<NTP 64-bit>[;<mark>]} (RFC 6787 §8.4.10). */
    static String speechMarker(String mark) {
        Instant now = Instant.now();
        long seconds = now.getEpochSecond() + NTP_EPOCH_OFFSET_S;
        long fraction = ((long) now.getNano() << 32) / 1_000_000_000L;
        String ntp = Long.toUnsignedString((seconds << 32) | fraction);
        String value = mark == null ? "timestamp=" + ntp : "timestamp=" + ntp + ";" + mark;
        return value.length() > 200 ? value.substring(0, 200) : value;
    }

    /** Completion-Reason is one header line: UniMRCP's 1 KB receive buffer must never see a longer one. */
    static String oneLine(String s) {
        String flat = s == null || s.isBlank() ? "error" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return flat.length() > 200 ? flat.substring(0, 200) : flat;
    }
}
