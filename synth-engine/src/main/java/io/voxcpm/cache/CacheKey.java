package io.voxcpm.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Everything that changes the sound of a cached utterance. Two requests with equal keys must produce
 * interchangeable audio, so every part an engine reads belongs here; parts that do not change the sound
 * (session id, the cache directive itself) must not, or the cache never hits.
 *
 * <p>Values are normalised when built: text to Unicode NFC with runs of white space (including
 * no-break spaces) collapsed to one space and trimmed, but not lower-cased (case changes how acronyms
 * and sentence starts are read); language to its canonical BCP 47 form ({@code en-us} → {@code en-US});
 * null to empty. {@link #digest()} is a SHA-256 over a versioned, length-prefixed encoding of the fields,
 * stable across JVMs and releases of this class unless {@link #FORMAT} changes.
 *
 * @param text         normalised text
 * @param language     canonical language tag, or empty for the engine's default
 * @param voiceName    requested voice name, or empty
 * @param voiceVersion version of that voice in the registry (a re-recorded voice is a new version), or empty
 * @param mode         synthesis mode (e.g. {@code zero-shot}, {@code design}, {@code voice}), or empty
 * @param description  voice-design description, or empty
 * @param gender       requested gender, or empty
 * @param age          requested age, or empty
 * @param parameters   generation parameters, sorted by name
 * @param engine       engine name ({@link io.voxcpm.engine.SpeechEngine#name()})
 * @param modelVersion model / voice-data version of that engine, or empty
 * @param sampleRate   sample rate of the stored audio
 * @param encoding     encoding of the stored audio, e.g. {@link #PCM_S16LE}
 */
public record CacheKey(String text, String language, String voiceName, String voiceVersion, String mode,
        String description, String gender, String age, SortedMap<String, String> parameters, String engine,
        String modelVersion, int sampleRate, String encoding) {

    /** Encoding of the engine's own PCM, as {@link CachingEngine} stores it. */
    public static final String PCM_S16LE = "pcm-s16le";
    /** Prefix of the digested bytes; bump it when the meaning of a field changes. */
    static final String FORMAT = "voxcpm-prompt-cache-key/1";

    private static final Pattern WHITE_SPACE = Pattern.compile("[\\s\\p{Z}]+");

    public CacheKey {
        text = normaliseText(text);
        language = normaliseLanguage(language);
        voiceName = orEmpty(voiceName).trim();
        voiceVersion = orEmpty(voiceVersion).trim();
        mode = orEmpty(mode).trim();
        description = normaliseText(description);
        gender = orEmpty(gender).trim().toLowerCase(Locale.ROOT);
        age = orEmpty(age).trim();
        parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters == null ? Map.of() : parameters));
        engine = orEmpty(engine).trim();
        modelVersion = orEmpty(modelVersion).trim();
        encoding = orEmpty(encoding).trim();
        if (engine.isEmpty()) {
            throw new IllegalArgumentException("engine is required");
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        if (encoding.isEmpty()) {
            throw new IllegalArgumentException("encoding is required");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** 64 lower-case hex digits naming this key; also the entry's file name. */
    public String digest() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        StringBuilder canonical = new StringBuilder(FORMAT).append('\n');
        field(canonical, "text", text);
        field(canonical, "language", language);
        field(canonical, "voice", voiceName);
        field(canonical, "voice-version", voiceVersion);
        field(canonical, "mode", mode);
        field(canonical, "description", description);
        field(canonical, "gender", gender);
        field(canonical, "age", age);
        field(canonical, "parameters", Integer.toString(parameters.size()));
        parameters.forEach((k, v) -> {
            field(canonical, "p", k);
            field(canonical, "v", v);
        });
        field(canonical, "engine", engine);
        field(canonical, "model-version", modelVersion);
        field(canonical, "sample-rate", Integer.toString(sampleRate));
        field(canonical, "encoding", encoding);
        return HexFormat.of().formatHex(sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** NFC, white space collapsed to single spaces, trimmed; null becomes empty. Case is kept. */
    public static String normaliseText(String text) {
        if (text == null) {
            return "";
        }
        return WHITE_SPACE.matcher(Normalizer.normalize(text, Normalizer.Form.NFC)).replaceAll(" ").trim();
    }

    private static String normaliseLanguage(String language) {
        if (language == null || language.isBlank()) {
            return "";
        }
        return Locale.forLanguageTag(language.trim().replace('_', '-')).toLanguageTag();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Length-prefixed so that no choice of values can make two different keys encode alike. */
    private static void field(StringBuilder out, String name, String value) {
        out.append(name).append('=').append(value.length()).append(':').append(value).append('\n');
    }

    /** Builds a {@link CacheKey}; unset parts are empty. Not thread-safe. */
    public static final class Builder {
        private String text;
        private String language;
        private String voiceName;
        private String voiceVersion;
        private String mode;
        private String description;
        private String gender;
        private String age;
        private final SortedMap<String, String> parameters = new TreeMap<>();
        private String engine;
        private String modelVersion;
        private int sampleRate;
        private String encoding = PCM_S16LE;

        private Builder() {
        }

        public Builder text(String text) {
            this.text = text;
            return this;
        }

        public Builder language(String language) {
            this.language = language;
            return this;
        }

        public Builder voice(String name, String version) {
            this.voiceName = name;
            this.voiceVersion = version;
            return this;
        }

        public Builder mode(String mode) {
            this.mode = mode;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder gender(String gender) {
            this.gender = gender;
            return this;
        }

        public Builder age(Integer age) {
            this.age = age == null ? null : age.toString();
            return this;
        }

        public Builder parameter(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        public Builder parameters(Map<String, String> parameters) {
            this.parameters.putAll(parameters);
            return this;
        }

        public Builder engine(String name, String modelVersion) {
            this.engine = name;
            this.modelVersion = modelVersion;
            return this;
        }

        public Builder output(int sampleRate, String encoding) {
            this.sampleRate = sampleRate;
            this.encoding = encoding;
            return this;
        }

        public CacheKey build() {
            return new CacheKey(text, language, voiceName, voiceVersion, mode, description, gender, age, parameters,
                    engine, modelVersion, sampleRate, encoding);
        }
    }
}
