package io.voxcpm.mrcp.synth;

import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.request.RequestDefaults;
import io.voxcpm.request.RequestPlanner;
import io.voxcpm.ssml.SsmlDocument;

/**
 * A SPEAK read the way the synthesizer channel reads it, without a session: its header values checked, its
 * body taken as plain text or SSML by Content-Type, and the voice, language, prosody and parameters its
 * headers give the plan. For tools that prepare what calls will ask ({@code voxcpm-mrcp prewarm}), so that
 * what they render lands under the cache keys the calls look up.
 */
public final class SpeakPreview {

    /**
     * @param document the body, read as SSML or plain text by its Content-Type, on the headers' style
     * @param text     the words to speak, free of markup
     * @param defaults what the headers say outside the text
     */
    public record Request(SsmlDocument document, String text, RequestDefaults defaults) { }

    private SpeakPreview() {
    }

    /**
     * @param maxChars the server's text limit (synth.max-text-chars)
     * @throws IllegalArgumentException with the reason a call's SPEAK would be refused
     */
    public static Request read(MrcpRequest speak, int maxChars) {
        try {
            HeaderValues.check(speak.headers());
            RequestDefaults defaults = SpeakParameters.defaults(speak.headers(), MrcpHeaders.empty());
            SpeakAdmission.Content content = SpeakAdmission.readContent(speak, maxChars,
                    () -> RequestPlanner.baseStyle(defaults));
            return new Request(content.document(), content.text(), defaults);
        } catch (HeaderValues.IllegalValue | SpeakAdmission.Rejection e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
