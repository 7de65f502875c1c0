package io.voxcpm.mrcp.synth;

import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.request.RequestDefaults;
import java.util.Map;

/**
 * A SPEAK read the way the synthesizer channel reads it, without a session: its header values checked, its
 * body taken as plain text or SSML by Content-Type, and the voice, language, prosody and parameters its
 * headers give the plan. For tools that prepare what calls will ask ({@code voxcpm-mrcp prewarm}), so that
 * what they render lands under the cache keys the calls look up.
 */
public final class SpeakPreview {

    /**
     * @param ssml     the SSML document, or null for plain text
     * @param text     the words to speak, free of markup
     * @param defaults what the headers say outside the text
     */
    public record Request(String ssml, String text, RequestDefaults defaults) { }

    private SpeakPreview() {
    }

    /**
     * @param maxChars the server's text limit (synth.max-text-chars)
     * @throws IllegalArgumentException with the reason a call's SPEAK would be refused
     */
    public static Request read(MrcpRequest speak, int maxChars) {
        try {
            HeaderValues.check(speak.headers());
            SpeakContent.Content content = SpeakContent.read(speak, maxChars);
            return new Request(content.ssml(), content.text(),
                    SpeakParameters.defaults(speak.headers(), MrcpHeaders.empty(), Map.of()));
        } catch (HeaderValues.IllegalValue | SpeakContent.Rejection e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
