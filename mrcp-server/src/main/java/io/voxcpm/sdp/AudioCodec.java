package io.voxcpm.sdp;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An RTP audio payload format the server can send.
 *
 * @param payloadType   the RTP payload type (static, or the dynamic number the offer used)
 * @param encodingName  {@code PCMU}, {@code PCMA}, {@code L16} or {@code G722}
 * @param clockRate     the RTP clock rate: the sampling rate, except for G.722, which samples at 16 kHz
 *                      but is offered, answered and timestamped at 8000 (RFC 3551 §4.5.2)
 */
public record AudioCodec(int payloadType, String encodingName, int clockRate) {

    public static final AudioCodec PCMU = new AudioCodec(0, "PCMU", 8000);
    public static final AudioCodec PCMA = new AudioCodec(8, "PCMA", 8000);
    public static final AudioCodec G722 = new AudioCodec(9, "G722", 8000);

    /** What the server can produce, keyed by (name, rate); the payload type of L16 is dynamic. */
    private static final List<AudioCodec> SUPPORTED = List.of(
            PCMU, PCMA, G722, new AudioCodec(-1, "L16", 8000), new AudioCodec(-1, "L16", 16000));

    /** The codec the server can send for this offered payload type, if it is one of ours. */
    static Optional<AudioCodec> supported(int payloadType, String encodingName, int clockRate, int channels) {
        if (channels != 1) {
            return Optional.empty();
        }
        String name = encodingName.toUpperCase(Locale.ROOT);
        return SUPPORTED.stream()
                .filter(c -> c.encodingName.equals(name) && c.clockRate == clockRate)
                .filter(c -> c.payloadType < 0 || c.payloadType == payloadType)
                .map(c -> new AudioCodec(payloadType, c.encodingName, c.clockRate))
                .findFirst();
    }

    /** Static payload types that need no rtpmap (RFC 3551), limited to the ones we can send. */
    static Optional<AudioCodec> staticType(int payloadType) {
        return switch (payloadType) {
            case 0 -> Optional.of(PCMU);
            case 8 -> Optional.of(PCMA);
            case 9 -> Optional.of(G722);
            default -> Optional.empty();
        };
    }

    /** The {@code a=rtpmap} value: {@code <pt> <name>/<rate>}. */
    public String rtpmap() {
        return payloadType + " " + encodingName + "/" + clockRate;
    }
}
