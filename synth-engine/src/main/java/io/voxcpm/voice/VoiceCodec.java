package io.voxcpm.voice;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code voice.json} format. Its {@code sha256} field covers every other field (serialised compactly
 * in document order), and for a clone the metadata holds the recording's own SHA-256, so one check
 * of the metadata plus one of the recording proves the whole version intact.
 */
final class VoiceCodec {

    static final int FORMAT = 1;
    static final String METADATA_FILE = "voice.json";
    static final String REFERENCE_FILE = "reference.wav";
    static final String ANCHOR_FILE = "anchor.wav";
    private static final String CHECKSUM = "sha256";

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Reads a file of the version being decoded. */
    interface Files {
        byte[] read(String name) throws IOException;
    }

    /** The version's metadata, not yet checksummed. */
    static ObjectNode metadata(String name, int version, Instant createdAt, NewVoice v) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("name", name);
        n.put("version", version);
        n.put("kind", v instanceof NewVoice.Design ? VoiceKind.DESIGN.label() : VoiceKind.CLONE.label());
        n.put("createdAt", createdAt.toString());
        n.put("registeredBy", v.registeredBy().strip());
        if (v instanceof NewVoice.Design d) {
            n.put("description", d.description().strip());
            if (d.anchor() != null) {
                ObjectNode anchor = n.putObject("anchor");
                anchor.put("file", ANCHOR_FILE);
                anchor.put("sha256", d.anchor().clip().sha256());
                anchor.put("sampleRate", Recording.SAMPLE_RATE);
                anchor.put("samples", d.anchor().clip().sampleCount());
                anchor.put("origin", d.anchor().clip().origin());
                anchor.put("transcript", d.anchor().transcript().strip());
                d.anchor().seed().ifPresent(seed -> anchor.put("seed", seed));
            }
        } else if (v instanceof NewVoice.Clone c) {
            n.put("consent", c.consent().strip());
            c.transcriptIfSet().ifPresent(t -> n.put("transcript", t));
            c.styleIfSet().ifPresent(s -> n.put("style", s));
            ObjectNode ref = n.putObject("reference");
            ref.put("file", REFERENCE_FILE);
            ref.put("sha256", c.recording().sha256());
            ref.put("sampleRate", Recording.SAMPLE_RATE);
            ref.put("samples", c.recording().sampleCount());
            ref.put("origin", c.recording().origin());
        }
        GenerationDefaults g = v.defaults();
        ObjectNode defaults = n.putObject("defaults");
        if (g.cfgValue() != null) {
            defaults.put("cfgValue", g.cfgValue());
        }
        if (g.inferenceTimesteps() != null) {
            defaults.put("inferenceTimesteps", g.inferenceTimesteps());
        }
        if (g.seed() != null) {
            defaults.put("seed", g.seed());
        }
        if (g.language() != null) {
            defaults.put("language", g.language());
        }
        return n;
    }

    static String checksum(ObjectNode metadataWithoutChecksum) {
        try {
            return Hashing.sha256(JSON.writeValueAsBytes(metadataWithoutChecksum));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    /** The file content: the metadata with its checksum, pretty-printed for people reading it. */
    static byte[] serialize(ObjectNode metadata, String checksum) {
        ObjectNode copy = metadata.deepCopy();
        copy.put(CHECKSUM, checksum);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(copy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    /** The parsed, checksum-verified metadata, for display. */
    static ObjectNode verifiedMetadata(byte[] json) throws CorruptVoiceException {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CorruptVoiceException(METADATA_FILE + " is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new CorruptVoiceException(METADATA_FILE + " cannot be parsed (" + e.getMessage() + ")");
        }
        if (!(tree instanceof ObjectNode n)) {
            throw new CorruptVoiceException(METADATA_FILE + " is not a JSON object");
        }
        JsonNode stored = n.remove(CHECKSUM);
        if (stored == null || !stored.isTextual()) {
            throw new CorruptVoiceException(METADATA_FILE + " has no checksum");
        }
        if (!stored.asText().equals(checksum(n))) {
            throw new CorruptVoiceException(METADATA_FILE + " fails its SHA-256 checksum (the file was changed or damaged)");
        }
        int format = n.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new CorruptVoiceException(METADATA_FILE + " has format " + n.path("format")
                    + ", this server reads format " + FORMAT + " (written by another version?)");
        }
        return n;
    }

    static Voice decode(byte[] json, Files files) throws CorruptVoiceException {
        ObjectNode n = verifiedMetadata(json);
        String checksum = checksum(n);
        String name = text(n, "name");
        int version = integer(n, "version");
        Instant createdAt;
        try {
            createdAt = Instant.parse(text(n, "createdAt"));
        } catch (DateTimeParseException e) {
            throw new CorruptVoiceException(METADATA_FILE + " has an unreadable createdAt");
        }
        String by = text(n, "registeredBy");
        GenerationDefaults defaults = defaults(n.path("defaults"));
        String kind = text(n, "kind");
        if (kind.equals(VoiceKind.DESIGN.label())) {
            Optional<Anchor> anchor = Optional.empty();
            if (n.has("anchor")) {
                JsonNode a = n.path("anchor");
                Long seed = a.hasNonNull("seed") && a.get("seed").isIntegralNumber() ? a.get("seed").asLong() : null;
                anchor = Optional.of(new Anchor(recording(a, ANCHOR_FILE, files), text(a, "transcript"), seed));
            }
            return new DesignVoice(name, version, text(n, "description"), anchor, defaults, createdAt, by, checksum);
        }
        if (!kind.equals(VoiceKind.CLONE.label())) {
            throw new CorruptVoiceException(METADATA_FILE + " has unknown kind '" + kind + "'");
        }
        Recording recording = recording(n.path("reference"), REFERENCE_FILE, files);
        Optional<String> transcript = optionalText(n, "transcript");
        Optional<String> style = optionalText(n, "style");
        if (transcript.isPresent() && style.isPresent()) {
            throw new CorruptVoiceException(METADATA_FILE + " has both a transcript and a style");
        }
        return new CloneVoice(name, version, recording, transcript, style, text(n, "consent"), defaults, createdAt, by, checksum);
    }

    /** Reads and verifies the recording a metadata section ({@code reference} or {@code anchor}) names. */
    private static Recording recording(JsonNode ref, String expectedFile, Files files) throws CorruptVoiceException {
        String file = text(ref, "file");
        if (!file.equals(expectedFile)) {
            throw new CorruptVoiceException(METADATA_FILE + " names an unexpected recording file '" + file + "'");
        }
        byte[] wav;
        try {
            wav = files.read(file);
        } catch (IOException e) {
            throw new CorruptVoiceException(expectedFile + " cannot be read (" + e + ")");
        }
        if (!Hashing.sha256(wav).equals(text(ref, "sha256"))) {
            throw new CorruptVoiceException(expectedFile + " fails its SHA-256 checksum (the file was changed or damaged)");
        }
        try {
            return Recording.stored(wav, ref.path("origin").asText(""));
        } catch (InvalidRecordingException e) {
            throw new CorruptVoiceException(expectedFile + ": " + e.getMessage());
        }
    }

    private static GenerationDefaults defaults(JsonNode d) {
        return new GenerationDefaults(
                d.hasNonNull("cfgValue") ? d.get("cfgValue").asDouble() : null,
                d.hasNonNull("inferenceTimesteps") ? d.get("inferenceTimesteps").asInt() : null,
                d.hasNonNull("seed") ? d.get("seed").asLong() : null,
                d.hasNonNull("language") ? d.get("language").asText() : null);
    }

    private static String text(JsonNode n, String field) throws CorruptVoiceException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new CorruptVoiceException(METADATA_FILE + " lacks the field '" + field + "'");
        }
        return v.asText();
    }

    private static Optional<String> optionalText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static int integer(JsonNode n, String field) throws CorruptVoiceException {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new CorruptVoiceException(METADATA_FILE + " lacks the field '" + field + "'");
        }
        return v.asInt();
    }

    /** A stored version is damaged; the message says which file and how. */
    static final class CorruptVoiceException extends Exception {

        private static final long serialVersionUID = 1L;

        CorruptVoiceException(String message) {
            super(message);
        }
    }
}
