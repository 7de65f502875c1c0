package io.voxcpm.mrcp.synth;

import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.mrcp.message.RequestState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DEFINE-LEXICON (RFC 6787 §8.14): only while idle (402 otherwise); a lexicon that cannot be defined gets
 * 407 with Completion-Cause 006. {@code Load-Lexicon: false} unloads the Content-Id.
 */
final class DefineLexicon {

    private static final Logger log = LoggerFactory.getLogger(SynthesizerChannel.class);

    private DefineLexicon() {
    }

    static MrcpResponse notWhileSpeaking(MrcpRequest request, long activeRequestId, String logTag) {
        log.info("{} DEFINE-LEXICON {} refused 402: SPEAK {} is playing", logTag, request.requestId(),
                activeRequestId);
        return MrcpResponse.to(request, MrcpStatus.METHOD_NOT_VALID_IN_STATE, RequestState.COMPLETE);
    }

    /** Defines or unloads the lexicon while the synthesizer is idle, and answers. */
    static MrcpResponse answer(MrcpRequest request, SessionParameters session, String logTag, String engineName) {
        MrcpHeaders h = request.headers();
        String contentId = h.get(MrcpHeaderNames.CONTENT_ID);
        contentId = contentId == null ? null : contentId.strip();
        if (contentId != null && contentId.startsWith("<") && contentId.endsWith(">")) {
            contentId = contentId.substring(1, contentId.length() - 1);
        }
        if (contentId == null || contentId.isEmpty()) {
            log.warn("{} DEFINE-LEXICON {} refused 406: no Content-Id to name the lexicon by", logTag,
                    request.requestId());
            return MrcpResponse.to(request, MrcpStatus.MANDATORY_HEADER_MISSING, RequestState.COMPLETE);
        }
        String load = h.get(MrcpHeaderNames.LOAD_LEXICON);
        if (load != null && "false".equalsIgnoreCase(load.strip())) {
            boolean had = session.unloadLexicon(contentId);
            log.debug("{} DEFINE-LEXICON {}: lexicon {} {}", logTag, request.requestId(), contentId,
                    had ? "unloaded" : "was not loaded");
            return MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE);
        }
        io.voxcpm.ssml.PronunciationLexicon pls;
        try {
            pls = session.defineLexicon(contentId, h.get(MrcpHeaderNames.CONTENT_TYPE), request.content().text());
        } catch (SessionParameters.LexiconLoadFailure e) {
            log.warn("{} DEFINE-LEXICON {} failed (407 006): {}", logTag, request.requestId(), e.getMessage());
            return SynthMessages.response(request, new SynthStateMachine.Respond<>(MrcpStatus.METHOD_FAILED,
                    RequestState.COMPLETE, null, CompletionCause.LEXICON_LOAD_FAILURE, e.getMessage()));
        }
        log.debug("{} DEFINE-LEXICON {}: lexicon {} stored ({} in the session): {} aliases applied to the {} engine's "
                + "text{}", logTag, request.requestId(), contentId, session.lexiconCount(), pls.size(), engineName,
                pls.phonemeOnly() == 0 ? "" : "; " + pls.phonemeOnly() + " lexemes with phonemes only are not applied "
                        + "(no engine here takes phonemes: give them an <alias>)");
        return MrcpResponse.to(request, MrcpStatus.SUCCESS, RequestState.COMPLETE);
    }
}
