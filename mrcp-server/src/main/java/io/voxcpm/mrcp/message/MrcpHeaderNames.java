package io.voxcpm.mrcp.message;

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

    private MrcpHeaderNames() {
    }
}
