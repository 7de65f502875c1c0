package io.voxcpm.bridge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A registered voice: its reference recording and, when known, the exact transcript of it.
 *
 * @param name       the name clients use
 * @param wav        16-bit PCM WAV bytes (never modified; callers must not mutate the array)
 * @param transcript exact transcript of the recording, or null/blank when unknown
 */
public record VoiceSample(String name, byte[] wav, String transcript) {

    public VoiceSample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(wav, "wav");
        transcript = transcript == null || transcript.isBlank() ? null : transcript;
    }

    public boolean hasTranscript() {
        return transcript != null;
    }

    /**
     * The id a worker gives this voice on RegisterVoice ({@code voxcpm_worker.proto}: "v-" and the first 32
     * hex digits of the content hash), so a voice can be deleted from a worker without asking it.
     */
    public String workerVoiceId() {
        return "v-" + contentHash().substring(0, 32);
    }

    /**
     * SHA-256 over the recording and transcript: the key under which the bridge remembers which worker
     * already holds this voice. A changed recording under the same name is therefore pushed again.
     */
    public String contentHash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(wav);
            digest.update((byte) 0);
            if (transcript != null) {
                digest.update(transcript.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
