package io.voxcpm.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's ffmpeg (its native G.722 coder) on raw files as the reference for G.722, as {@link Sox}
 * is for G.711: {@code apt-get install ffmpeg}; the tests that need it skip without it.
 */
public final class Ffmpeg {

    static final Path BINARY = Path.of("/usr/bin/ffmpeg");
    private static final List<String> PCM16K = List.of("-f", "s16le", "-ar", "16000", "-ac", "1");

    private Ffmpeg() {
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(),
                "ffmpeg not installed at /usr/bin/ffmpeg (apt-get install ffmpeg); G.722 reference comparison skipped");
    }

    /** ffmpeg's G.722 encoding of 16 kHz PCM: one octet per two samples. */
    public static byte[] encodeG722(short[] pcm16k) throws IOException {
        List<String> in = new ArrayList<>(PCM16K);
        return run(Sox.toLittleEndian(pcm16k), in, List.of("-acodec", "g722", "-f", "g722"));
    }

    /** ffmpeg's G.722 decoding, to 16 kHz PCM. */
    public static short[] decodeG722(byte[] octets) throws IOException {
        List<String> out = new ArrayList<>(List.of("-acodec", "pcm_s16le"));
        out.addAll(PCM16K);
        return Sox.fromLittleEndian(run(octets, List.of("-f", "g722"), out));
    }

    private static byte[] run(byte[] input, List<String> inputArgs, List<String> outputArgs) throws IOException {
        return ExternalTool.run("ffmpeg", input, "", (in, out) -> {
            List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-nostdin", "-hide_banner", "-loglevel",
                    "error", "-y"));
            cmd.addAll(inputArgs);
            cmd.addAll(List.of("-i", in.toString()));
            cmd.addAll(outputArgs);
            cmd.add(out.toString());
            return cmd;
        });
    }
}
