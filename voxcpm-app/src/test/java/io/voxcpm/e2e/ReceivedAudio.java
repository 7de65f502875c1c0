package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.audio.G711;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the PBX side received over RTP: decoded to PCM, measured, and checked as a paced stream. */
final class ReceivedAudio {

    private ReceivedAudio() {
    }

    /** Where the G.722 reference decoder lives (Debian's ffmpeg); tests that need it skip without it. */
    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

    /**
     * The payloads as 16-bit PCM; {@code codec} is the rtpmap name: PCMU, PCMA, L16 (network order) or
     * G722 (decoded by ffmpeg, 16 kHz).
     */
    static short[] decode(List<UniMrcpClientSim.RtpPacket> packets, String codec) {
        if (codec.equals("G722")) {
            ByteArrayOutputStream octets = new ByteArrayOutputStream();
            packets.forEach(p -> octets.writeBytes(p.payload()));
            return decodeG722(octets.toByteArray());
        }
        int total = 0;
        for (UniMrcpClientSim.RtpPacket p : packets) {
            total += codec.equals("L16") ? p.payload().length / 2 : p.payload().length;
        }
        short[] pcm = new short[total];
        int n = 0;
        for (UniMrcpClientSim.RtpPacket p : packets) {
            byte[] b = p.payload();
            switch (codec) {
                case "PCMU" -> {
                    for (byte x : b) {
                        pcm[n++] = G711.ulawToLinear(x);
                    }
                }
                case "PCMA" -> {
                    for (byte x : b) {
                        pcm[n++] = G711.alawToLinear(x);
                    }
                }
                default -> {
                    for (int i = 0; i + 1 < b.length; i += 2) {
                        pcm[n++] = (short) (((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF));
                    }
                }
            }
        }
        return pcm;
    }

    /** ffmpeg's G.722 decoder: a stream of octets to 16 kHz PCM. */
    static short[] decodeG722(byte[] octets) {
        try {
            Path dir = Files.createTempDirectory("g722");
            Path in = dir.resolve("in.g722");
            Path out = dir.resolve("out.raw");
            try {
                Files.write(in, octets);
                Process p = new ProcessBuilder(FFMPEG.toString(), "-nostdin", "-hide_banner", "-loglevel", "error",
                        "-y", "-f", "g722", "-i", in.toString(), "-f", "s16le", "-ar", "16000", "-ac", "1",
                        out.toString()).redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException("ffmpeg could not decode G.722: " + log);
                }
                byte[] raw = Files.readAllBytes(out);
                short[] pcm = new short[raw.length / 2];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
                return pcm;
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static double rmsDbfs(short[] pcm) {
        double sum = 0;
        for (short s : pcm) {
            sum += (double) s * s;
        }
        return 20 * Math.log10(Math.sqrt(sum / Math.max(1, pcm.length)) / 32768.0);
    }

    /**
     * One SPEAK's stream: more than 50 packets of one payload type and SSRC, the marker on the first only,
     * contiguous sequence numbers, {@code frameBytes} of payload each, timestamps a frame apart and paced
     * at one 20 ms ptime on average (not burst). {@code source} names the stream in the printed figures.
     */
    static void assertPacedStream(String source, List<UniMrcpClientSim.RtpPacket> packets, int pt,
                                  int samplesPerFrame, int frameBytes) {
        assertThat(packets).hasSizeGreaterThan(50);
        UniMrcpClientSim.RtpPacket first = packets.get(0);
        assertThat(first.marker()).as("marker bit on the first packet").isTrue();
        for (int i = 1; i < packets.size(); i++) {
            UniMrcpClientSim.RtpPacket p = packets.get(i);
            UniMrcpClientSim.RtpPacket prev = packets.get(i - 1);
            assertThat(p.payloadType()).isEqualTo(pt);
            assertThat(p.ssrc()).isEqualTo(first.ssrc());
            assertThat(p.sequence()).as("contiguous sequence").isEqualTo((prev.sequence() + 1) & 0xFFFF);
            assertThat(p.marker()).as("marker only on the first packet").isFalse();
            assertThat(p.payload()).hasSize(frameBytes);
            assertThat(((p.timestamp() - prev.timestamp()) & 0xFFFFFFFFL) % samplesPerFrame).isZero();
        }
        long totalTs = (packets.get(packets.size() - 1).timestamp() - first.timestamp()) & 0xFFFFFFFFL;
        double spanMs = (packets.get(packets.size() - 1).arrivalNanos() - first.arrivalNanos()) / 1e6;
        double meanSpacing = spanMs / (packets.size() - 1);
        System.out.printf("RTP from %s: %d packets, mean spacing %.2f ms, timestamp span %d samples%n", source,
                packets.size(), meanSpacing, totalTs);
        assertThat(meanSpacing).as("paced in real time").isBetween(17.0, 23.0);
        assertThat(totalTs).isEqualTo((long) (packets.size() - 1) * samplesPerFrame);
    }
}
