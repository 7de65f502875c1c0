package io.voxcpm.voice;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The STREAMINFO block every FLAC file starts with (RFC 9639 §8.2): enough to refuse a recording that is
 * too long, or in a shape no voice takes, before anything is decoded.
 *
 * @param totalSamples samples per channel, 0 when the encoder did not know (then the decoder's output is
 *                     what is bounded)
 */
record FlacInfo(int sampleRate, int channels, int bitsPerSample, long totalSamples) {

    private static final int STREAMINFO = 0;

    static FlacInfo read(Path flac) throws IOException, InvalidRecordingException {
        byte[] head = new byte[8 + 34];
        try (InputStream in = Files.newInputStream(flac)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                throw new InvalidRecordingException("FLAC file " + flac.getFileName() + " is truncated (no STREAMINFO)");
            }
        }
        if (head[0] != 'f' || head[1] != 'L' || head[2] != 'a' || head[3] != 'C' || (head[4] & 0x7F) != STREAMINFO) {
            throw new InvalidRecordingException("FLAC file " + flac.getFileName()
                    + " does not start with STREAMINFO: it is damaged; convert it to WAV");
        }
        int p = 8 + 10; // past block sizes (2+2) and frame sizes (3+3)
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = bits << 8 | (head[p + i] & 0xFF);
        }
        int rate = (int) (bits >>> 44);
        int channels = (int) (bits >>> 41 & 0x7) + 1;
        int bps = (int) (bits >>> 36 & 0x1F) + 1;
        long total = bits & 0xF_FFFF_FFFFL;
        return new FlacInfo(rate, channels, bps, total);
    }

    /** Refuses what could never become a voice, naming the file. */
    void check(String name) throws InvalidRecordingException {
        if (channels > 2) {
            throw new InvalidRecordingException("recording " + name + " has " + channels
                    + " channels; use mono or stereo, e.g. sox in.flac -c 1 out.wav");
        }
        if (sampleRate < 8000 || sampleRate > 384_000) {
            throw new InvalidRecordingException("recording " + name + " has sample rate " + sampleRate
                    + " Hz: record at 8 kHz or more (16 kHz or higher is best)");
        }
        double seconds = (double) totalSamples / sampleRate;
        if (seconds > Recording.MAX_SECONDS) {
            throw new InvalidRecordingException(String.format(Locale.ROOT,
                    "recording %s is %.1f s long; voices need %.0f-%.0f s: trim it, e.g. sox in.flac out.wav trim 0 20",
                    name, seconds, Recording.MIN_SECONDS, Recording.MAX_SECONDS));
        }
    }
}
