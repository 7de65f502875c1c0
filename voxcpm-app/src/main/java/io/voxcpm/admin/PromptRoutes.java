package io.voxcpm.admin;

import io.voxcpm.ops.http.HttpCall;
import io.voxcpm.ops.http.HttpError;
import io.voxcpm.ops.http.HttpReply;
import io.voxcpm.prompt.PromptStore;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/v1/prompts}: the recordings SSML plays with {@code <audio src="prompt:NAME">}. The store is the
 * same the CLI's {@code prompts} command writes; a running server sees a change on its next SPEAK.
 */
final class PromptRoutes {

    private static final Logger log = LoggerFactory.getLogger(PromptRoutes.class);

    private final PromptStore store;

    PromptRoutes(PromptStore store) {
        this.store = store;
    }

    HttpReply list(HttpCall call) throws IOException {
        return HttpReply.json(200, Map.of("prompts", store.list().stream().map(PromptRoutes::json).toList()));
    }

    HttpReply show(HttpCall call) throws IOException {
        String name = call.pathParam("name");
        return HttpReply.json(200, json(store.find(name).orElseThrow(() -> notFound(name))));
    }

    /** {@code PUT /prompts/{name}[?replace=true]} with the WAV file as the body. */
    HttpReply put(HttpCall call) throws IOException {
        String name = call.pathParam("name");
        boolean replace = call.query("replace").map(Boolean::parseBoolean).orElse(false);
        byte[] wav = call.body();
        try {
            PromptStore.Info added = store.add(name, wav, replace);
            log.info("prompt '{}' {} through the admin API from {}: {} s at {} Hz", name,
                    replace ? "stored" : "added", call.clientHost(),
                    added.seconds(), added.sampleRate());
            return HttpReply.json(replace ? 200 : 201, json(added));
        } catch (PromptStore.InvalidPrompt e) {
            boolean exists = e.getMessage().contains("already exists");
            throw new HttpError(exists ? 409 : 400, exists ? "prompt_exists" : "invalid_prompt", e.getMessage());
        }
    }

    HttpReply remove(HttpCall call) throws IOException {
        String name = call.pathParam("name");
        try {
            if (!store.remove(name)) {
                throw notFound(name);
            }
        } catch (PromptStore.InvalidPrompt e) {
            throw new HttpError(400, "invalid_prompt", e.getMessage());
        }
        log.info("prompt '{}' removed through the admin API from {}", name,
                call.clientHost());
        return HttpReply.json(200, Map.of("removed", name));
    }

    private static HttpError notFound(String name) {
        return new HttpError(404, "no_such_prompt", "no prompt named '" + name + "'");
    }

    private static Map<String, Object> json(PromptStore.Info info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", info.name());
        m.put("sample_rate", info.sampleRate());
        m.put("seconds", info.seconds());
        m.put("bytes", info.bytes());
        m.put("modified", info.modified().toString());
        return m;
    }
}
