package io.voxcpm.dialplan;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One synthesis request a dialplan makes, as the PBX's UniMRCP module would send it.
 *
 * @param file    the file it is written in
 * @param line    its 1-based line
 * @param call    the application or function as written ({@code speak}, {@code session:speak},
 *                {@code MRCPSynth}, ...)
 * @param body    the SPEAK body (null when skipped)
 * @param headers the SPEAK's MRCP headers, Content-Type included (empty when skipped)
 * @param skipped why it cannot be rendered ahead of the call (text built from variables, another engine),
 *                or null
 */
public record DialplanSpeak(Path file, int line, String call, String body, Map<String, String> headers,
                            String skipped) {

    static final String CONTENT_TYPE = "Content-Type";
    static final String TEXT_PLAIN = "text/plain";
    static final String DEFAULT_SSML_TYPE = "application/ssml+xml";

    public DialplanSpeak {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    static DialplanSpeak speak(Path file, int line, String call, String body, Map<String, String> headers) {
        return new DialplanSpeak(file, line, call, body, headers, null);
    }

    static DialplanSpeak skip(Path file, int line, String call, String reason) {
        return new DialplanSpeak(file, line, call, null, Map.of(), reason);
    }

    public boolean isSkipped() {
        return skipped != null;
    }

    /**
     * The Content-Type both UniMRCP modules pick: the profile's SSML type for a body that starts with
     * {@code <?xml} or {@code <speak}, else plain text. With {@code uris} (app_unimrcp) a body starting with
     * a URL is text/uri-list, which the server never fetches: null then.
     */
    static String contentType(String body, String ssmlType, boolean uris) {
        String start = body.stripLeading();
        if (start.startsWith("<?xml") || start.startsWith("<speak")) {
            return ssmlType == null ? DEFAULT_SSML_TYPE : ssmlType;
        }
        if (uris && (start.startsWith("http://") || start.startsWith("https://") || start.startsWith("file://"))) {
            return null;
        }
        return TEXT_PLAIN;
    }

    /** Whether a dialplan text is completed at call time from a variable or function. */
    static boolean usesVariables(String text) {
        return text.contains("${") || text.contains("$[");
    }

    /** {@code file:line} as editors and compilers print it. */
    public String where() {
        return file + ":" + line;
    }
}
