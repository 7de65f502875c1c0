package io.voxcpm.prompt;

import io.voxcpm.audio.LoudnessNormalizer;
import io.voxcpm.audio.Resampler;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.request.SegmentPlayer.PromptAudio;
import io.voxcpm.voice.InvalidRecordingException;
import io.voxcpm.voice.WavAudio;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Recorded prompts that SSML plays with {@code <audio src="prompt:NAME">}: one WAV file per name in one
 * directory, written by {@code voxcpm-mrcp prompts add} (or the admin API) and read by the server.
 *
 * <p><b>Storage.</b> Each prompt is {@code NAME.wav}, 16-bit mono PCM at the recording's own rate (8 to
 * 48 kHz; higher rates are brought down to 48 kHz). A file is written whole under a hidden temporary name,
 * fsynced, then linked (add) or renamed (replace) to its name and the directory fsynced, so a crash leaves
 * the old prompt or the new one, never a torn file; temporaries a crash leaves behind are never listed and
 * are removed by the next add. Several processes may add and remove at once: adding a name that exists
 * fails unless replacing, atomically.
 *
 * <p><b>Playing.</b> {@link #audio} gives the player each prompt at the engine's rate, resampled once and
 * loudness-matched once to the server's target, and kept in memory until the file changes (its size or
 * modification time), so a prompt added or replaced while the server runs is heard on the next SPEAK and a
 * removed one is no longer played. Nothing is ever fetched from a URL.
 *
 * <p>Thread-safe.
 */
public final class PromptStore {

    public static final Path DEFAULT_DIRECTORY = Path.of("data", "prompts");
    /** What SSML accepts in {@code src="prompt:NAME"}. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    public static final double MAX_SECONDS = 300;
    public static final int MAX_RATE = 48_000;
    private static final long MAX_FILE_BYTES = 256L << 20;
    private static final String SUFFIX = ".wav";
    /** Prompts held resampled in memory, in samples (2 bytes each), before the oldest are dropped. */
    private static final long MAX_HELD_SAMPLES = 32L << 20;

    /** A stored prompt. */
    public record Info(String name, int sampleRate, double seconds, long bytes, Instant modified) { }

    /** Why a name or a recording cannot be stored; the message says what to do. */
    public static final class InvalidPrompt extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidPrompt(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** Adds and removes made through this instance; see {@link PromptAudio#changes}. */
    private final AtomicLong changes = new AtomicLong();

    private record Held(FileTime modified, long size, short[] pcm) { }

    private PromptStore(Path dir) {
        this.dir = dir;
    }

    /** The store in {@code dir}; nothing is read or created until used. */
    public static PromptStore open(Path dir) {
        return new PromptStore(dir.toAbsolutePath().normalize());
    }

    public Path directory() {
        return dir;
    }

    /**
     * Stores {@code wav} (any PCM or float WAV, mono or stereo) as {@code name}.
     *
     * @param replace whether an existing prompt of that name is replaced; if not, it is an error
     */
    public Info add(String name, byte[] wav, boolean replace) throws InvalidPrompt, IOException {
        checkName(name);
        if (wav.length > MAX_FILE_BYTES) {
            throw new InvalidPrompt("recording of " + (wav.length >> 20) + " MiB is too large: prompts are at most "
                    + (int) MAX_SECONDS + " s");
        }
        WavAudio.Mono mono;
        try {
            mono = WavAudio.readMono(wav);
        } catch (InvalidRecordingException e) {
            throw new InvalidPrompt("prompt '" + name + "': " + e.getMessage());
        }
        double seconds = (double) mono.samples().length / mono.sampleRate();
        if (seconds > MAX_SECONDS || mono.samples().length == 0) {
            throw new InvalidPrompt(String.format("prompt '%s' is %.1f s long: a prompt has 1 sample to %d s of audio",
                    name, seconds, (int) MAX_SECONDS));
        }
        short[] pcm = mono.samples();
        int rate = mono.sampleRate();
        if (rate > MAX_RATE) {
            pcm = resample(pcm, rate, MAX_RATE);
            rate = MAX_RATE;
        }
        Files.createDirectories(dir);
        removeTemporaries();
        Path target = file(name);
        Path temporary = dir.resolve("." + name + SUFFIX + "." + UUID.randomUUID() + ".tmp");
        try {
            writeDurably(temporary, WavAudio.mono16(pcm, rate));
            if (replace) {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                try {
                    Files.createLink(target, temporary); // atomic, and fails if the name is taken
                } catch (FileAlreadyExistsException e) {
                    throw new InvalidPrompt("prompt '" + name + "' already exists: remove it first or replace it "
                            + "(--replace)");
                }
            }
            changes.incrementAndGet();
        } finally {
            Files.deleteIfExists(temporary);
        }
        syncDirectory();
        return info(name, target).orElseThrow(() -> new IOException("prompt " + target + " vanished while added"));
    }

    /** Stores the WAV file at {@code file} as {@code name}. */
    public Info add(String name, Path file, boolean replace) throws InvalidPrompt, IOException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidPrompt("recording " + file + " not found or not a file: give the path of a WAV file");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new InvalidPrompt("recording " + file + " is too large: prompts are at most " + (int) MAX_SECONDS + " s");
        }
        return add(name, Files.readAllBytes(file), replace);
    }

    /** Removes a prompt; false when there was none of that name. */
    public boolean remove(String name) throws InvalidPrompt, IOException {
        checkName(name);
        boolean removed = Files.deleteIfExists(file(name));
        if (removed) {
            changes.incrementAndGet();
            syncDirectory();
        }
        return removed;
    }

    /** Every stored prompt, by name. */
    public List<Info> list() throws IOException {
        List<Info> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                String name = file.substring(0, file.length() - SUFFIX.length());
                if (NAME.matcher(name).matches()) {
                    info(name, f).ifPresent(out::add);
                }
            }
        }
        out.sort(Comparator.comparing(Info::name));
        return out;
    }

    /** The prompt called {@code name}, if stored. */
    public Optional<Info> find(String name) throws IOException {
        return NAME.matcher(name).matches() ? info(name, file(name)) : Optional.empty();
    }

    /**
     * The prompts as the player takes them: at the engine's rate, brought to {@code level}'s target
     * loudness (never above its peak ceiling). A prompt that exists but cannot be read fails the SPEAK with
     * {@link Reason#URI_FAILURE}.
     */
    public PromptAudio audio(LoudnessNormalizer level) {
        return new PromptAudio() {
            @Override
            public Optional<short[]> find(String name, int sampleRate) throws SynthesisException {
                return held(name, sampleRate, level);
            }

            @Override
            public long changes() {
                return changes.get();
            }
        };
    }

    private Optional<short[]> held(String name, int sampleRate, LoudnessNormalizer level) throws SynthesisException {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Path f = file(name);
        String key = name + "@" + sampleRate;
        try {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(f, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                held.remove(key);
                return Optional.empty();
            }
            Held h = held.get(key);
            if (h == null || !h.modified().equals(a.lastModifiedTime()) || h.size() != a.size()) {
                WavAudio.Mono mono = WavAudio.readMono(Files.readAllBytes(f));
                short[] pcm = resample(mono.samples(), mono.sampleRate(), sampleRate);
                h = new Held(a.lastModifiedTime(), a.size(), level.normalize(pcm, sampleRate));
                if (heldSamples() + pcm.length > MAX_HELD_SAMPLES) {
                    held.clear();
                }
                held.put(key, h);
            }
            return Optional.of(h.pcm());
        } catch (IOException | InvalidRecordingException e) {
            throw new SynthesisException(Reason.URI_FAILURE, "prompt '" + name + "' cannot be read: "
                    + e.getMessage(), e);
        }
    }

    private long heldSamples() {
        return held.values().stream().mapToLong(h -> h.pcm().length).sum();
    }

    private Optional<Info> info(String name, Path f) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            byte[] head = new byte[44];
            int rate = 0;
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                if (ch.read(ByteBuffer.wrap(head)) == head.length) {
                    rate = ByteBuffer.wrap(head, 24, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
                }
            }
            double seconds = rate > 0 ? (a.size() - 44) / 2.0 / rate : 0;
            return Optional.of(new Info(name, rate, seconds, a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private Path file(String name) {
        return dir.resolve(name + SUFFIX);
    }

    private static void checkName(String name) throws InvalidPrompt {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidPrompt("prompt name '" + name + "' is not usable: 1-128 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
    }

    private static short[] resample(short[] pcm, int from, int to) {
        if (from == to) {
            return pcm;
        }
        Resampler r = new Resampler(from, to);
        short[] head = r.process(pcm);
        short[] tail = r.flush();
        short[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    private void removeTemporaries() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp")) {
            Instant stale = Instant.now().minusSeconds(3600);
            for (Path f : files) {
                try {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(stale)) {
                        Files.deleteIfExists(f); // left by a crash; a fresh one may be another writer's
                    }
                } catch (NoSuchFileException e) {
                    // another writer finished with it
                }
            }
        }
    }

    private static void writeDurably(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }
    }
}
