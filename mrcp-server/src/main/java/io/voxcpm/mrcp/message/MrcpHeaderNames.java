package io.voxcpm.mrcp.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Header field names of the generic and synthesizer headers (RFC 6787 §6.2 and §8.4), spelled as
 * this server writes them. Lookups in {@link MrcpHeaders} ignore case.
 */
public final class MrcpHeaderNames {

    // generic
    public static final String CHANNEL_IDENTIFIER = "Channel-Identifier";
    public static final String ACTIVE_REQUEST_ID_LIST = "Active-Request-Id-List";
    public static final String PROXY_SYNC_ID = "Proxy-Sync-Id";
    public static final String ACCEPT_CHARSET = "Accept-Charset";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String CONTENT_ID = "Content-Id";
    public static final String CONTENT_BASE = "Content-Base";
    public static final String CONTENT_ENCODING = "Content-Encoding";
    public static final String CONTENT_LOCATION = "Content-Location";
    public static final String CONTENT_LENGTH = "Content-Length";
    public static final String CACHE_CONTROL = "Cache-Control";
    public static final String LOGGING_TAG = "Logging-Tag";
    public static final String VENDOR_SPECIFIC_PARAMETERS = "Vendor-Specific-Parameters";
    public static final String ACCEPT = "Accept";
    public static final String FETCH_TIMEOUT = "Fetch-Timeout";
    public static final String SET_COOKIE = "Set-Cookie";
    public static final String SET_COOKIE2 = "Set-Cookie2";

    // synthesizer
    public static final String JUMP_SIZE = "Jump-Size";
    public static final String KILL_ON_BARGE_IN = "Kill-On-Barge-In";
    public static final String SPEAKER_PROFILE = "Speaker-Profile";
    public static final String COMPLETION_CAUSE = "Completion-Cause";
    public static final String COMPLETION_REASON = "Completion-Reason";
    public static final String VOICE_GENDER = "Voice-Gender";
    public static final String VOICE_AGE = "Voice-Age";
    public static final String VOICE_VARIANT = "Voice-Variant";
    public static final String VOICE_NAME = "Voice-Name";
    public static final String PROSODY_VOLUME = "Prosody-Volume";
    public static final String PROSODY_RATE = "Prosody-Rate";
    public static final String SPEECH_MARKER = "Speech-Marker";
    public static final String SPEECH_LANGUAGE = "Speech-Language";
    public static final String FETCH_HINT = "Fetch-Hint";
    public static final String AUDIO_FETCH_HINT = "Audio-Fetch-Hint";
    public static final String FAILED_URI = "Failed-URI";
    /** UniMRCP's table spells it {@code Failed-Uri_Cause}; clients may not recognise either spelling. */
    public static final String FAILED_URI_CAUSE = "Failed-URI-Cause";
    public static final String SPEAK_RESTART = "Speak-Restart";
    public static final String SPEAK_LENGTH = "Speak-Length";
    public static final String LOAD_LEXICON = "Load-Lexicon";
    public static final String LEXICON_SEARCH_ORDER = "Lexicon-Search-Order";

    /** Every name above, by length: see {@link #known}. */
    private static final String[][] BY_LENGTH = byLength(
            CHANNEL_IDENTIFIER, ACTIVE_REQUEST_ID_LIST, PROXY_SYNC_ID, ACCEPT_CHARSET,
            CONTENT_TYPE, CONTENT_ID, CONTENT_BASE, CONTENT_ENCODING,
            CONTENT_LOCATION, CONTENT_LENGTH, CACHE_CONTROL, LOGGING_TAG,
            VENDOR_SPECIFIC_PARAMETERS, ACCEPT, FETCH_TIMEOUT, SET_COOKIE,
            SET_COOKIE2, JUMP_SIZE, KILL_ON_BARGE_IN, SPEAKER_PROFILE,
            COMPLETION_CAUSE, COMPLETION_REASON, VOICE_GENDER, VOICE_AGE,
            VOICE_VARIANT, VOICE_NAME, PROSODY_VOLUME, PROSODY_RATE,
            SPEECH_MARKER, SPEECH_LANGUAGE, FETCH_HINT, AUDIO_FETCH_HINT,
            FAILED_URI, FAILED_URI_CAUSE, SPEAK_RESTART, SPEAK_LENGTH,
            LOAD_LEXICON, LEXICON_SEARCH_ORDER);

    private MrcpHeaderNames() {
    }

    /**
     * The name in {@code bytes[from, to)} (ASCII), as the constant above when it is spelled exactly so: the
     * decoder's names then cost no String, and every lookup of them by that constant ends at the identity check
     * of {@link String#equalsIgnoreCase}.
     */
    static String known(byte[] bytes, int from, int to) {
        int length = to - from;
        if (length < BY_LENGTH.length) {
            for (String name : BY_LENGTH[length]) {
                if (spells(bytes, from, name)) {
                    return name;
                }
            }
        }
        return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }

    private static boolean spells(byte[] bytes, int from, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (bytes[from + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String[][] byLength(String... names) {
        int longest = Arrays.stream(names).mapToInt(String::length).max().orElse(0);
        String[][] table = new String[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            int n = length;
            table[length] = Arrays.stream(names).filter(name -> name.length() == n).toArray(String[]::new);
        }
        return table;
    }
}
