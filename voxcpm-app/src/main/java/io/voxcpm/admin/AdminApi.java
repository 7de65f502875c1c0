package io.voxcpm.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voxcpm.cache.CacheStats;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.ops.http.HttpCall;
import io.voxcpm.ops.http.HttpError;
import io.voxcpm.ops.http.HttpReply;
import io.voxcpm.ops.http.Routes;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.session.SessionInfo;
import io.voxcpm.session.SessionManager;
import io.voxcpm.voice.VoiceAuditLog;
import io.voxcpm.voice.VoiceNames;
import io.voxcpm.voice.VoiceRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/v1} on the management port: voices, prompt cache and sessions, every route behind the bearer
 * token, every change in the voice registry's audit log. Off (no route at all, so 404) unless a token is
 * configured: an API that can clone voices and end calls must never be open by default.
 */
public final class AdminApi implements AutoCloseable {

    public static final String PREFIX = "/admin/v1";
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdminConfig config;
    private final BearerAuth auth;
    private Prewarm prewarm;

    private AdminApi(AdminConfig config, String token) {
        this.config = config;
        this.auth = new BearerAuth(token);
    }

    /**
     * The admin API the configuration asks for (the token from {@code env}, {@code admin.token-file} or
     * {@code admin.token}); empty when no token is configured.
     *
     * @throws IllegalArgumentException the token file cannot be read or the token is too short
     */
    public static Optional<AdminApi> configure(ServerConfig config, Map<String, String> env) {
        return config.admin().resolveToken(env).map(token -> new AdminApi(config.admin(), token));
    }

    /** Adds the routes for {@code server} (listening; its engine may still load). */
    public void register(Routes routes, VoxcpmMrcpServer server) {
        VoiceRegistry registry = server.stores().voiceRegistry().orElseThrow(() ->
                new IllegalStateException("the admin API needs the server's voice registry"));
        VoiceRoutes voices = new VoiceRoutes(registry, VoiceRemoval.of(server, registry));
        prewarm = new Prewarm(() -> server.engine().orElse(null), name -> server.stores().voiceCatalog().find(name));
        int upload = config.maxUploadMb() * 1024 * 1024;
        routes.add("GET", PREFIX + "/voices", auth.guard(voices::list))
                .add("GET", PREFIX + "/voices/{name}", auth.guard(voices::show))
                .add("POST", PREFIX + "/voices/{name}", upload, auth.guard(voices::add))
                .add("DELETE", PREFIX + "/voices/{name}", auth.guard(voices::remove))
                .add("GET", PREFIX + "/cache", auth.guard(call -> cacheStats(server)))
                .add("DELETE", PREFIX + "/cache", auth.guard(call -> purge(call, server, registry)))
                .add("POST", PREFIX + "/cache/prewarm", upload, auth.guard(call -> startPrewarm(call, registry)))
                .add("GET", PREFIX + "/cache/prewarm/{id}", auth.guard(call ->
                        HttpReply.json(200, prewarm.find(call.pathParam("id")).toJson())))
                .add("GET", PREFIX + "/sessions", auth.guard(call -> HttpReply.json(200, Map.of("sessions",
                        server.sessions().map(SessionManager::sessions).orElse(List.of()).stream()
                                .sorted(java.util.Comparator.comparing(SessionInfo::openedAt))
                                .map(AdminApi::session).toList()))))
                .add("DELETE", PREFIX + "/sessions/{id}", auth.guard(call -> terminate(call, server, registry)));
        PromptRoutes prompts = new PromptRoutes(server.stores().promptStore());
        routes.add("GET", PREFIX + "/prompts", auth.guard(prompts::list))
                .add("GET", PREFIX + "/prompts/{name}", auth.guard(prompts::show))
                .add("PUT", PREFIX + "/prompts/{name}", upload, auth.guard(prompts::put))
                .add("DELETE", PREFIX + "/prompts/{name}", auth.guard(prompts::remove));
        log.info("admin API on at {} (bearer token; uploads up to {} MB)", PREFIX, config.maxUploadMb());
    }

    private static Map<String, Object> session(SessionInfo s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", s.sessionId());
        m.put("call_id", s.callId());
        m.put("remote", s.remote().getAddress().getHostAddress() + ":" + s.remote().getPort());
        m.put("transport", s.transport());
        m.put("user_agent", s.userAgent());
        m.put("media", s.media());
        m.put("opened_at", s.openedAt().toString());
        return m;
    }

    private static HttpReply cacheStats(VoxcpmMrcpServer server) {
        Map<String, Object> body = new LinkedHashMap<>();
        Optional<PromptCache> cache = server.stores().promptCache();
        body.put("enabled", cache.isPresent());
        cache.ifPresent(c -> {
            CacheStats s = c.stats();
            body.put("directory", c.directory().toString());
            body.put("disk", s);
            body.put("hit_ratio", s.hitRatio());
        });
        server.stores().frameTier().ifPresent(f -> body.put("frames", f.stats()));
        return HttpReply.json(200, body);
    }

    /** {@code DELETE /admin/v1/cache?voice=NAME} purges one voice; without {@code voice}, everything. */
    private static HttpReply purge(HttpCall call, VoxcpmMrcpServer server, VoiceRegistry registry) throws IOException {
        PromptCache cache = server.stores().promptCache().orElseThrow(() ->
                new HttpError(409, "cache_off", "the prompt cache is off (cache.enabled: false) or the engine is loading"));
        Optional<String> voice = call.query("voice");
        if (voice.isPresent() && !VoiceNames.isValid(voice.get())) {
            throw new HttpError(400, "invalid_voice_name", "'" + voice.get() + "' is not a voice name");
        }
        PromptCache.Purged purged = voice.isPresent() ? cache.purgeVoice(voice.get()) : cache.purgeAll();
        int frames = server.stores().frameTier().map(f -> voice.map(f::purgeVoice).orElseGet(() -> clear(f))).orElse(0);
        registry.record("cache-purge", voice.orElse("*"), actor(call),
                purged.entries() + " entries, " + purged.bytes() + " bytes, " + frames + " frame entries");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("voice", voice.orElse(null));
        body.put("cache_entries_purged", purged.entries());
        body.put("cache_bytes_purged", purged.bytes());
        body.put("frame_entries_purged", frames);
        return HttpReply.json(200, body);
    }

    private static int clear(FrameTier frames) {
        int n = frames.stats().entries();
        frames.clear();
        return n;
    }

    /**
     * {@code POST /admin/v1/cache/prewarm}: JSON {@code {"voice": ..., "language": ..., "prompts": ["text", {"text"
     * or "ssml", "voice", "language"}, ...]}}, or text/plain with one prompt per line (voice and language from the
     * query). Answers 202 with the job to poll.
     */
    private HttpReply startPrewarm(HttpCall call, VoiceRegistry registry) throws IOException {
        String type = call.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        List<Prewarm.Prompt> prompts = new ArrayList<>();
        if (type.startsWith("application/json")) {
            JsonNode root;
            try {
                root = JSON.readTree(call.body());
            } catch (IOException e) {
                throw new HttpError(400, "bad_json", "the body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            String voice = text(root, "voice");
            String language = text(root, "language");
            JsonNode list = root == null ? null : root.get("prompts");
            if (list == null || !list.isArray()) {
                throw new HttpError(400, "missing_field", "'prompts' must be a list of texts or {\"text\"|\"ssml\", \"voice\", \"language\"}");
            }
            for (JsonNode p : list) {
                if (p.isTextual()) {
                    prompts.add(new Prewarm.Prompt(p.asText(), null, voice, language));
                } else if (p.isObject() && (p.hasNonNull("text") || p.hasNonNull("ssml"))) {
                    prompts.add(new Prewarm.Prompt(text(p, "text"), text(p, "ssml"),
                            Optional.ofNullable(text(p, "voice")).orElse(voice),
                            Optional.ofNullable(text(p, "language")).orElse(language)));
                } else {
                    throw new HttpError(400, "bad_prompt", "prompt " + (prompts.size() + 1) + " has neither text nor ssml");
                }
            }
        } else if (type.startsWith("text/plain")) {
            String voice = call.query("voice").orElse(null);
            String language = call.query("language").orElse(null);
            call.bodyText().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .forEach(l -> prompts.add(new Prewarm.Prompt(l, null, voice, language)));
        } else {
            throw new HttpError(415, "unsupported_media_type", "send application/json {\"prompts\": [...]} or text/plain,"
                    + " one prompt per line");
        }
        if (prompts.isEmpty()) {
            throw new HttpError(400, "no_prompts", "the list holds no prompt");
        }
        if (prompts.size() > config.maxPrewarmPrompts()) {
            throw new HttpError(413, "too_many_prompts", prompts.size() + " prompts; at most "
                    + config.maxPrewarmPrompts() + " per request (admin.max-prewarm-prompts)");
        }
        Prewarm.Job job = prewarm.submit(prompts);
        registry.record("cache-prewarm", "*", actor(call), prompts.size() + " prompts, job " + job.id);
        return HttpReply.json(202, job.toJson()).withHeader("Location", PREFIX + "/cache/prewarm/" + job.id);
    }

    private static HttpReply terminate(HttpCall call, VoxcpmMrcpServer server, VoiceRegistry registry) throws IOException {
        String id = call.pathParam("id");
        boolean ended = server.sessions().map(s -> s.terminate(id, "terminated by an operator (admin API)")).orElse(false);
        if (!ended) {
            throw new HttpError(404, "session_not_found", "no live session " + id + " (GET " + PREFIX + "/sessions lists them)");
        }
        registry.record("session-terminate", "-", actor(call), "session " + id);
        return HttpReply.json(200, Map.of("terminated", id));
    }

    private static VoiceAuditLog.Actor actor(HttpCall call) {
        return new VoiceAuditLog.Actor(call.query("by").orElse("admin-api"),
                "admin-api from " + call.clientHost());
    }

    private static String text(JsonNode node, String key) {
        return node != null && node.hasNonNull(key) ? node.get(key).asText() : null;
    }

    @Override
    public void close() {
        if (prewarm != null) {
            prewarm.close();
        }
    }
}
