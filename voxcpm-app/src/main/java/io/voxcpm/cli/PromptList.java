package io.voxcpm.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a prompt list for {@code render}, by file extension:
 * <ul>
 *   <li>{@code .csv}: a header row naming the columns {@code name}, {@code text}, {@code voice},
 *       {@code language} (only {@code text} is required, any order), then one prompt per row; fields may
 *       be double-quoted, with {@code ""} for a quote, but not span lines;
 *   <li>{@code .yaml}/{@code .yml}: a sequence of mappings with those keys (or of plain strings), at the
 *       top or under {@code prompts:};
 *   <li>anything else: plain text, one prompt per line; blank lines and lines starting with {@code #}
 *       are skipped.
 * </ul>
 * A prompt without a name is named by a slug of its text, or {@code line-N}; names are made unique.
 * A malformed entry becomes a prompt with a {@link Prompt#problem()}, so the rest still render.
 */
final class PromptList {

    private static final int SLUG_LENGTH = 48;

    /**
     * One prompt.
     *
     * @param line    line in the list file where it starts
     * @param problem why it cannot be rendered, or null
     */
    record Prompt(int line, String name, String text, String voice, String language, String problem) {
    }

    private PromptList() {
    }

    static List<Prompt> read(Path file) throws IOException {
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<Prompt> raw;
        if (lower.endsWith(".csv")) {
            raw = csv(Files.readAllLines(file, StandardCharsets.UTF_8));
        } else if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            raw = yaml(file);
        } else {
            raw = text(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        return named(raw);
    }

    /** A file name for {@code text}: ASCII letters and digits joined by dashes, at most 48 characters. */
    static String slug(String text) {
        String ascii = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > SLUG_LENGTH) {
            slug = slug.substring(0, SLUG_LENGTH).replaceAll("-+$", "");
        }
        return slug;
    }

    private static List<Prompt> text(List<String> lines) {
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                prompts.add(new Prompt(i + 1, null, line, null, null, null));
            }
        }
        return prompts;
    }

    private static List<Prompt> csv(List<String> lines) throws IOException {
        List<Prompt> prompts = new ArrayList<>();
        Map<String, Integer> columns = null;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> fields;
            try {
                fields = csvFields(lines.get(i));
            } catch (IllegalArgumentException e) {
                if (columns == null) {
                    throw new IOException("line " + (i + 1) + ": " + e.getMessage());
                }
                prompts.add(new Prompt(i + 1, null, null, null, null, e.getMessage()));
                continue;
            }
            if (columns == null) {
                columns = new HashMap<>();
                for (int c = 0; c < fields.size(); c++) {
                    columns.put(fields.get(c).strip().toLowerCase(Locale.ROOT), c);
                }
                if (!columns.containsKey("text")) {
                    throw new IOException("line " + (i + 1) + ": the header must name a 'text' column (and optionally "
                            + "name, voice, language); got " + fields);
                }
                continue;
            }
            String text = column(fields, columns, "text");
            prompts.add(new Prompt(i + 1, column(fields, columns, "name"), text, column(fields, columns, "voice"),
                    column(fields, columns, "language"), text == null ? "no text" : null));
        }
        return prompts;
    }

    private static String column(List<String> fields, Map<String, Integer> columns, String name) {
        Integer c = columns.get(name);
        if (c == null || c >= fields.size()) {
            return null;
        }
        String v = fields.get(c).strip();
        return v.isEmpty() ? null : v;
    }

    private static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank() && !wasQuoted) {
                field.setLength(0);
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote (fields cannot span lines)");
        }
        fields.add(field.toString());
        return fields;
    }

    private static List<Prompt> yaml(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        List<Prompt> prompts = new ArrayList<>();
        try (JsonParser p = mapper.getFactory().createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) { // prompts: [...]
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME && !"prompts".equals(p.currentName())) {
                    p.nextToken();
                    p.skipChildren();
                }
                t = t == JsonToken.FIELD_NAME ? p.nextToken() : null;
            }
            if (t != JsonToken.START_ARRAY) {
                throw new IOException(file + ": expected a list of prompts (or 'prompts:' with one)");
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                int line = p.currentTokenLocation().getLineNr();
                JsonNode item = mapper.readTree(p);
                if (item.isTextual()) {
                    prompts.add(new Prompt(line, null, item.asText(), null, null, null));
                } else if (item.isObject()) {
                    String text = textField(item, "text");
                    prompts.add(new Prompt(line, textField(item, "name"), text, textField(item, "voice"),
                            textField(item, "language"), text == null ? "no text" : null));
                } else {
                    prompts.add(new Prompt(line, null, null, null, null, "expected a mapping with name, text, voice"));
                }
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        return prompts;
    }

    private static String textField(JsonNode item, String key) {
        JsonNode v = item.get(key);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText().strip();
    }

    private static List<Prompt> named(List<Prompt> prompts) {
        List<Prompt> out = new ArrayList<>(prompts.size());
        Set<String> used = new HashSet<>();
        for (Prompt p : prompts) {
            String name = p.name() != null ? slug(p.name()) : p.text() == null ? "" : slug(p.text());
            if (name.isEmpty()) {
                name = "line-" + p.line();
            }
            if (!used.add(name)) {
                name = name + "-" + p.line();
                used.add(name);
            }
            out.add(new Prompt(p.line(), name, p.text(), p.voice(), p.language(), p.problem()));
        }
        return out;
    }
}
