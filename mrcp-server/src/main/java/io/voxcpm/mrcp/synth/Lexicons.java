package io.voxcpm.mrcp.synth;

import io.voxcpm.ssml.SafeXml;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLStreamException;

/**
 * The lexicons a session has defined with DEFINE-LEXICON (RFC 6787 §8.14), by Content-Id. They are checked
 * to be well-formed PLS documents and kept for the session; {@code Lexicon-Search-Order} may name them as
 * {@code session:<content-id>}. Confined to the channel's executor.
 */
final class Lexicons {

    static final String PLS = "application/pls+xml";

    /** A lexicon that cannot be defined; the channel answers 407 with Completion-Cause 006. */
    static final class LoadFailure extends Exception {
        private static final long serialVersionUID = 1L;

        LoadFailure(String message) {
            super(message);
        }
    }

    record Lexicon(String contentId, String contentType, String body) { }

    private final int max;
    private final Map<String, Lexicon> byId = new LinkedHashMap<>();

    Lexicons(int max) {
        this.max = max;
    }

    void define(String contentId, String contentType, String body) throws LoadFailure {
        String type = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals(PLS)) {
            throw new LoadFailure("lexicon Content-Type '" + type + "' is not " + PLS);
        }
        if (body.isBlank()) {
            throw new LoadFailure("lexicon '" + contentId + "' has an empty body");
        }
        try {
            String root = SafeXml.rootElement(body);
            if (!root.equals("lexicon")) {
                throw new LoadFailure("lexicon root element is <" + root + ">, not <lexicon>");
            }
        } catch (XMLStreamException e) {
            throw new LoadFailure("lexicon '" + contentId + "' is not well-formed XML: " + SafeXml.locatedReason(e));
        }
        if (!byId.containsKey(contentId) && byId.size() >= max) {
            throw new LoadFailure("session already holds " + max + " lexicons");
        }
        byId.put(contentId, new Lexicon(contentId, type, body));
    }

    boolean unload(String contentId) {
        return byId.remove(contentId) != null;
    }

    boolean contains(String contentId) {
        return byId.containsKey(contentId);
    }

    int size() {
        return byId.size();
    }
}
