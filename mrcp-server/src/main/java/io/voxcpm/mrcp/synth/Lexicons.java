package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.ssml.PronunciationLexicon;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The lexicons a session has defined with DEFINE-LEXICON (RFC 6787 §8.14), by Content-Id, read into
 * {@link PronunciationLexicon}s when defined. Every SPEAK of the session applies all of them, searched in
 * this order: those {@code Lexicon-Search-Order} names ({@code session:<content-id>}), then those the SSML's
 * {@code <lexicon uri="session:...">} elements name, then the rest in the order they were defined.
 * Confined to the channel's executor.
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

    static final String SESSION_SCHEME = "session:";

    record Lexicon(String contentId, PronunciationLexicon pls) { }

    private final int max;
    private final Map<String, Lexicon> byId = new LinkedHashMap<>();

    Lexicons(int max) {
        this.max = max;
    }

    PronunciationLexicon define(String contentId, String contentType, String body) throws LoadFailure {
        String type = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals(PLS)) {
            throw new LoadFailure("lexicon Content-Type '" + type + "' is not " + PLS);
        }
        if (body.isBlank()) {
            throw new LoadFailure("lexicon '" + contentId + "' has an empty body");
        }
        PronunciationLexicon pls;
        try {
            pls = PronunciationLexicon.parse(body);
        } catch (SynthesisException e) {
            throw new LoadFailure("lexicon '" + contentId + "' is not a PLS document: " + e.getMessage());
        }
        if (!byId.containsKey(contentId) && byId.size() >= max) {
            throw new LoadFailure("session already holds " + max + " lexicons");
        }
        byId.put(contentId, new Lexicon(contentId, pls));
        return pls;
    }

    /**
     * The session's lexicons as one, in search order (see the class comment). {@code searchOrder} and
     * {@code documentUris} must already be checked to name defined {@code session:} lexicons.
     */
    PronunciationLexicon inOrder(List<String> searchOrder, List<String> documentUris) {
        if (byId.isEmpty()) {
            return PronunciationLexicon.EMPTY;
        }
        Set<String> ids = new LinkedHashSet<>();
        List<String> named = new ArrayList<>(searchOrder);
        named.addAll(documentUris);
        for (String uri : named) {
            ids.add(uri.substring(SESSION_SCHEME.length()));
        }
        ids.addAll(byId.keySet());
        PronunciationLexicon all = PronunciationLexicon.EMPTY;
        for (String id : ids) {
            Lexicon l = byId.get(id);
            all = l == null ? all : all.then(l.pls());
        }
        return all;
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
