package io.voxcpm.sdp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An SDP offer read as an MRCPv2 session: the m-lines in offer order, with the speechsynth control line and
 * the audio line it uses picked out.
 *
 * @param media        every m-line, classified, in offer order
 * @param synthControl the first {@code speechsynth} control line
 * @param synthAudio   the audio line that control line uses (by cmid/mid, else by position)
 */
public record MrcpOffer(List<OfferedMedia> media, OfferedMedia.Control synthControl, OfferedMedia.Audio synthAudio) {

    /** What UniMRCP's transmitter assumes when the offer has no {@code a=ptime}. */
    public static final int DEFAULT_PTIME_MS = 20;

    public MrcpOffer {
        media = List.copyOf(media);
        Objects.requireNonNull(synthControl, "synthControl");
        Objects.requireNonNull(synthAudio, "synthAudio");
    }

    /**
     * The first offered codec the server can send (the offer's order is the client's preference; UniMRCP
     * answers the same way with {@code own-preference=false}). telephone-event plays no part in the choice.
     *
     * @throws SdpException 488 when none of PCMU/8000, PCMA/8000, G722/8000, L16/8000, L16/16000 is offered
     */
    public AudioCodec negotiateCodec() throws SdpException {
        return synthAudio.codecs().stream().findFirst().orElseThrow(() -> new SdpException(
                SdpException.NOT_ACCEPTABLE_HERE, "no supported codec offered (PCMU, PCMA, G722, L16/8000, L16/16000)"));
    }

    /** The offered ptime, or 20 ms. */
    public int ptime() {
        return synthAudio.ptime().orElse(DEFAULT_PTIME_MS);
    }

    /** The address and port RTP is sent to. */
    public String remoteRtpAddress() {
        return synthAudio.address();
    }

    public int remoteRtpPort() {
        return synthAudio.port();
    }

    /** The connection type the client asked for on the synth control line. */
    public ConnectionType requestedConnection() {
        return synthControl.connection();
    }

    /** True when the client removes the synth channel (control port 0, RFC 6787 §4.2). */
    public boolean releasesChannel() {
        return synthControl.port() == 0;
    }

    /** The cmid to echo on a control line: its own, else the mid of its audio line. */
    Optional<String> cmidFor(OfferedMedia.Control control) {
        return control.cmid().or(() -> control == synthControl ? synthAudio.mid() : Optional.empty());
    }
}
