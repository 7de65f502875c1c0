package io.voxcpm.engine;

/**
 * Who asks and how a request is to be treated, apart from what is said: nothing here changes the audio,
 * so nothing here is part of a prompt-cache key.
 *
 * <p>Made only through {@link #NONE}, {@link #session} and the {@code with...} methods, so a new component
 * (such as the caller's address for sharing engine capacity fairly) is one more field and one more
 * {@code with...} here, and no caller changes.
 *
 * @param sessionTag the MRCP session (or tool run) the request belongs to, for logs and worker request
 *                   tags; null when none
 * @param cache      whether the prompt cache may answer and keep this request
 * @param source     the client host the request is made for (the PBX a session's INVITE came from), which
 *                   engine capacity is shared fairly among; null when none (a tool run, a pre-warm job)
 */
public record RequestContext(String sessionTag, CachePolicy cache, String source) {

    /** The request parameter (MRCP vendor parameter) a client sets a cache policy with. */
    public static final String CACHE_PARAMETER = "cache";

    /** No session, cache in use. */
    public static final RequestContext NONE = new RequestContext(null, CachePolicy.USE, null);

    /** What a client may ask of the prompt cache. */
    public enum CachePolicy {
        /** Answer from the cache when the audio is there, and keep what is synthesised. */
        USE,
        /** Neither read nor write the cache: the engine synthesises afresh (vendor parameter {@code cache=bypass}). */
        BYPASS;

        /** {@code bypass} (any case) skips the cache; any other value, or none, uses it. */
        public static CachePolicy fromParameter(String value) {
            return value != null && value.trim().equalsIgnoreCase("bypass") ? BYPASS : USE;
        }
    }

    public RequestContext {
        sessionTag = sessionTag == null || sessionTag.isBlank() ? null : sessionTag;
        cache = cache == null ? CachePolicy.USE : cache;
        source = source == null || source.isBlank() ? null : source;
    }

    /** The context of a request made for one session. */
    public static RequestContext session(String sessionTag) {
        return new RequestContext(sessionTag, CachePolicy.USE, null);
    }

    public RequestContext withCache(CachePolicy policy) {
        return new RequestContext(sessionTag, policy, source);
    }

    public RequestContext withSource(String client) {
        return new RequestContext(sessionTag, cache, client);
    }

    /** The session tag, or {@code -} for logs and worker tags when there is none. */
    public String tagOrDash() {
        return sessionTag == null ? "-" : sessionTag;
    }
}
