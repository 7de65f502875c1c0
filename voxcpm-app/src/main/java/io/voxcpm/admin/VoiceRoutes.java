package io.voxcpm.admin;

import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.voxcpm.ops.http.HttpCall;
import io.voxcpm.ops.http.HttpError;
import io.voxcpm.ops.http.HttpReply;
import io.voxcpm.voice.GenerationDefaults;
import io.voxcpm.voice.InvalidRecordingException;
import io.voxcpm.voice.InvalidVoiceException;
import io.voxcpm.voice.NewVoice;
import io.voxcpm.voice.Recording;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceAuditLog;
import io.voxcpm.voice.VoiceNames;
import io.voxcpm.voice.VoiceRegistry;
import io.voxcpm.voice.VoiceStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /admin/v1/voices}: list, show, add (a JSON body designs a voice, a multipart upload clones one, with
 * consent), remove (workers, registry, prompt cache and frame tier, in that order). Every change is in the
 * registry's audit log, made by the request's {@code by} through {@code admin-api from ADDRESS}.
 */
final class VoiceRoutes {

    private final VoiceRegistry registry;
    private final VoiceRemoval removal;

    VoiceRoutes(VoiceRegistry registry, VoiceRemoval removal) {
        this.registry = registry;
        this.removal = removal;
    }

    HttpReply list(HttpCall call) {
        return HttpReply.json(200, Map.of("voices", registry.list().stream().map(AdminJson::status).toList()));
    }

    HttpReply show(HttpCall call) {
        String name = name(call);
        List<VoiceStatus> versions = registry.versions(name);
        if (versions.isEmpty()) {
            throw notFound(name);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("current", versions.get(versions.size() - 1).version());
        List<Map<String, Object>> newestFirst = new java.util.ArrayList<>();
        versions.forEach(v -> newestFirst.add(0, AdminJson.status(v)));
        body.put("versions", newestFirst);
        return HttpReply.json(200, body);
    }

    /** JSON: a designed voice; multipart/form-data: a cloned one. Either way a new version when the name exists. */
    HttpReply add(HttpCall call) throws IOException {
        String name = name(call);
        String type = call.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        Map<String, String> fields;
        NewVoice voice;
        try {
            if (type.startsWith("application/json")) {
                fields = jsonFields(call);
                voice = new NewVoice.Design(required(fields, "description"), defaults(fields), by(fields));
            } else if (type.startsWith("multipart/form-data")) {
                fields = new HashMap<>();
                Recording recording = multipart(call, fields);
                if (fields.containsKey("transcript") && fields.containsKey("style")) {
                    throw new HttpError(400, "bad_request", "give transcript (an ultimate clone) or style, not both");
                }
                voice = new NewVoice.Clone(recording, fields.get("transcript"), fields.get("style"),
                        required(fields, "consent"), defaults(fields), by(fields));
            } else {
                throw new HttpError(415, "unsupported_media_type", "send application/json {\"description\": ...} to"
                        + " design a voice, or multipart/form-data with a 'recording' file and 'consent' to clone one");
            }
            Voice added = registry.add(name, voice, "admin-api from " + call.clientHost());
            return HttpReply.json(201, AdminJson.voice(added)).withHeader("Location", "/admin/v1/voices/" + name);
        } catch (InvalidVoiceException e) {
            throw new HttpError(422, "invalid_voice", e.getMessage());
        }
    }

    HttpReply remove(HttpCall call) throws IOException {
        String name = name(call);
        VoiceAuditLog.Actor actor = new VoiceAuditLog.Actor(call.query("by").orElse("admin-api"),
                "admin-api from " + call.clientHost());
        VoiceRemoval.Result result = removal.remove(name, actor, call.query("force").filter("true"::equals).isPresent());
        if (!result.existed()) {
            throw notFound(name);
        }
        return HttpReply.json(200, result.toJson());
    }

    private static String name(HttpCall call) {
        String name = call.pathParam("name");
        if (!VoiceNames.isValid(name)) {
            throw new HttpError(400, "invalid_voice_name", "'" + name + "' is not a voice name: 1-"
                    + VoiceNames.MAX_LENGTH + " characters from a-z, 0-9, '-' and '_'");
        }
        return name;
    }

    private static HttpError notFound(String name) {
        return new HttpError(404, "voice_not_found", "no voice named '" + name + "'");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> jsonFields(HttpCall call) {
        Map<String, Object> raw = call.bodyJson(Map.class);
        Map<String, String> fields = new HashMap<>();
        raw.forEach((k, v) -> {
            if (v != null) {
                fields.put(k, String.valueOf(v));
            }
        });
        return fields;
    }

    /** Reads the form: text fields into {@code fields}, the file part {@code recording} checked as a recording. */
    private static Recording multipart(HttpCall call, Map<String, String> fields) throws IOException, InvalidVoiceException {
        HttpPostRequestDecoder decoder;
        try {
            decoder = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), call.netty());
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
            throw new HttpError(400, "bad_multipart", "the multipart body cannot be read: " + e.getMessage());
        }
        Path temp = null;
        try {
            String origin = null;
            for (InterfaceHttpData part : decoder.getBodyHttpDatas()) {
                if (part instanceof FileUpload f && f.getName().equals("recording")) {
                    temp = Files.createTempFile("voxcpm-upload-", ".audio");
                    Files.write(temp, f.get());
                    origin = f.getFilename();
                } else if (part instanceof Attribute a && !a.getValue().isBlank()) {
                    fields.put(a.getName(), a.getValue().strip());
                }
            }
            if (temp == null) {
                throw new HttpError(400, "missing_field", "a cloned voice needs the file part 'recording' (WAV or FLAC, 1-30 s)");
            }
            try {
                Recording r = Recording.read(temp);
                return origin == null ? r : Recording.fromWav(r.wav(), origin);
            } catch (InvalidRecordingException e) {
                throw new HttpError(422, "invalid_recording", e.getMessage().replace(temp.toString(),
                        origin == null ? "the upload" : origin));
            }
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
            throw new HttpError(400, "bad_multipart", "the multipart body cannot be read: " + e.getMessage());
        } finally {
            decoder.destroy();
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static String required(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null || v.isBlank()) {
            throw new HttpError(400, "missing_field", "'" + key + "' is required"
                    + (key.equals("consent") ? ": say who consented to the cloning and how" : ""));
        }
        return v;
    }

    private static String by(Map<String, String> fields) {
        return fields.getOrDefault("by", "admin-api");
    }

    private static GenerationDefaults defaults(Map<String, String> f) {
        try {
            return new GenerationDefaults(f.containsKey("cfg") ? Double.valueOf(f.get("cfg")) : null,
                    f.containsKey("timesteps") ? Integer.valueOf(f.get("timesteps")) : null,
                    f.containsKey("seed") ? Long.valueOf(f.get("seed")) : null, f.get("language"));
        } catch (NumberFormatException e) {
            throw new HttpError(400, "bad_number", "cfg, timesteps and seed are numbers: " + e.getMessage());
        }
    }
}
