package io.voxcpm.mrcp.synth;

import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.mrcp.message.RequestState;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CONTROL (RFC 6787 §8.4.13). Jump-Size in seconds moves the playback within the audio already encoded
 * (kept for that purpose); a backward jump past the start restarts the SPEAK and the response says
 * {@code Speak-Restart: true}. {@code Speak-Restart: true} in the request restarts too. Word, sentence,
 * paragraph and mark jumps need word timings no engine reports (409); prosody, voice and Speak-Length changes
 * cannot alter audio already made (403).
 */
final class Control {

    private static final Logger log = LoggerFactory.getLogger(SynthesizerChannel.class);
    private static final List<String> UNCHANGEABLE = List.of(MrcpHeaderNames.SPEAK_LENGTH,
            MrcpHeaderNames.PROSODY_RATE, MrcpHeaderNames.PROSODY_VOLUME, MrcpHeaderNames.VOICE_NAME,
            MrcpHeaderNames.VOICE_GENDER, MrcpHeaderNames.VOICE_AGE, MrcpHeaderNames.VOICE_VARIANT,
            MrcpHeaderNames.SPEECH_LANGUAGE);

    private Control() {
    }

    /** Carries out the CONTROL on the {@code active} SPEAK (null while idle) and answers it. */
    static MrcpResponse answer(MrcpRequest request, Speak active, int ptimeMs, String logTag) {
        if (active == null) {
            // UniMRCP answers an idle CONTROL with 200 and no list; clients rely on it
            return MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE);
        }
        MrcpHeaders h = request.headers();
        for (String unsupported : UNCHANGEABLE) {
            if (h.contains(unsupported)) {
                log.warn("{} CONTROL {} refused 403: {} cannot change audio that is already synthesized", logTag,
                        request.requestId(), unsupported);
                return MrcpResponse.to(request, MrcpStatus.UNSUPPORTED_HEADER, RequestState.COMPLETE);
            }
        }
        long framesPerSecond = 1000 / ptimeMs;
        String restartValue = h.get(MrcpHeaderNames.SPEAK_RESTART);
        boolean restart = restartValue != null && "true".equalsIgnoreCase(restartValue.strip());
        long delta = 0;
        if (!restart) {
            if (!h.contains(MrcpHeaderNames.JUMP_SIZE)) {
                return SynthMessages.response(request, SynthStateMachine.Respond.listing(List.of(active.requestId())));
            }
            HeaderValues.SpeechLength jump;
            try {
                jump = HeaderValues.speechLength(MrcpHeaderNames.JUMP_SIZE, h.get(MrcpHeaderNames.JUMP_SIZE));
            } catch (HeaderValues.IllegalValue e) {
                throw new IllegalStateException(e); // checked before dispatch
            }
            if (jump.unit() != HeaderValues.SpeechLength.Unit.SECOND) {
                log.warn("{} CONTROL {} refused 409: Jump-Size '{}' needs word/mark timings the engine does not "
                        + "report; only Second units are supported", logTag, request.requestId(),
                        h.get(MrcpHeaderNames.JUMP_SIZE));
                return MrcpResponse.to(request, MrcpStatus.UNSUPPORTED_HEADER_VALUE, RequestState.COMPLETE);
            }
            delta = jump.amount() * framesPerSecond;
        }
        SpeakPlayback.Jump jump = active.playback.jump(restart, delta);
        if (!jump.done()) {
            log.warn("{} CONTROL {} refused 407: frames before {} s are no longer kept (synth retention limit)",
                    logTag, request.requestId(), jump.firstRetained() / framesPerSecond);
            return MrcpResponse.to(request, MrcpStatus.METHOD_FAILED, RequestState.COMPLETE);
        }
        log.debug("{} CONTROL {}: SPEAK {} {} at {} ms", logTag, request.requestId(), active.requestId(),
                jump.restarted() ? "restarted" : "jumped", jump.target() * ptimeMs);
        MrcpHeaders.Builder extra = MrcpHeaders.builder()
                .add(MrcpHeaderNames.ACTIVE_REQUEST_ID_LIST, Long.toString(active.requestId()));
        if (jump.restarted()) {
            extra.add(MrcpHeaderNames.SPEAK_RESTART, "true");
        }
        return MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE, extra.build());
    }
}
