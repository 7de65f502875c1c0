package io.voxcpm.session;

import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.sdp.AudioCodec;
import io.voxcpm.sdp.ConnectionType;
import io.voxcpm.sdp.MrcpOffer;
import io.voxcpm.sdp.SdpAnswer;
import io.voxcpm.sdp.SdpException;
import io.voxcpm.sdp.SdpOffers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * SDP offer/answer for a synthesizer session as functions: an offer becomes the media to set up, that media
 * and the local ports become the answer, and a re-offer against the current answer becomes the next one. No
 * state, no I/O.
 */
final class OfferNegotiation {

    private OfferNegotiation() { }

    /**
     * What a first offer settles.
     *
     * @param offer     the parsed offer
     * @param codec     the first offered codec the server can send
     * @param format    how audio is encoded for that codec
     * @param ptime     the packet time in ms
     * @param rtpTarget where RTP goes (checked against the signalling source)
     * @param sending   whether the client wants our audio now (its offered direction)
     */
    record Media(MrcpOffer offer, AudioCodec codec, TelephonyFormat format, int ptime, InetSocketAddress rtpTarget,
                 boolean sending) {

        String describe() {
            return codec.encodingName() + "/" + codec.clockRate() + " ptime " + ptime + " " + rtpTarget
                    + (sending ? "" : " (not sending)");
        }
    }

    /**
     * The media of a new session's offer.
     *
     * @throws SdpException the status (and warn-code) to refuse the INVITE with
     */
    static Media media(String sdpOffer, MediaDestinations destinations, InetAddress signallingSource,
                       boolean tlsAvailable) throws SdpException {
        MrcpOffer offer = SdpOffers.parse(sdpOffer);
        if (offer.releasesChannel()) {
            throw new SdpException(SdpException.NOT_ACCEPTABLE_HERE,
                    "the offer's speechsynth control line has port 0: nothing to set up");
        }
        if (offer.synthControl().tls() && !tlsAvailable) {
            throw new SdpException(SdpException.NOT_ACCEPTABLE_HERE,
                    "MRCPv2 over TLS (TCP/TLS/MRCPv2) is not configured here (security.tls); offer TCP/MRCPv2");
        }
        AudioCodec codec = offer.negotiateCodec();
        InetSocketAddress target = destinations.destination(offer.synthAudio(), signallingSource);
        return new Media(offer, codec, formatOf(codec), offer.ptime(), target,
                MediaDestinations.clientReceives(offer.synthAudio()));
    }

    /** The first answer, once the RTP port and the session id are known ({@code mrcpPort} for the offer's transport). */
    static SdpAnswer.Spec answer(Media media, String localAddress, int mrcpPort, String sessionId,
                                 ConnectionType connection, int rtpPort) {
        return new SdpAnswer.Spec(media.offer(), media.codec(), localAddress, mrcpPort, sessionId, connection,
                rtpPort);
    }

    /**
     * What a re-offer does to a session answered with {@code current}.
     *
     * @param spec     the answer to give (unchanged for a session-timer refresh, so its bytes are identical)
     * @param sending  whether RTP flows after it
     * @param releases whether the client removes the synthesizer channel (control port 0): the session ends
     */
    record Reoffer(SdpAnswer.Spec spec, boolean sending, boolean releases) {

        String answer() {
            return SdpAnswer.build(spec);
        }
    }

    /**
     * A re-offer: of media changes only the direction is followed (hold and resume, RFC 3264 §8.4); the RTP
     * address and codec stay as negotiated. A removed channel is answered with its control port 0.
     */
    static Reoffer reoffer(SdpAnswer.Spec current, String sdpOffer) throws SdpException {
        MrcpOffer offer = SdpOffers.parse(sdpOffer);
        boolean wasSending = MediaDestinations.clientReceives(current.offer().synthAudio());
        if (offer.releasesChannel()) {
            return new Reoffer(next(current, offer), false, true);
        }
        if (offer.synthControl().tls() != current.offer().synthControl().tls()) {
            throw new SdpException(SdpException.NOT_ACCEPTABLE_HERE,
                    "a re-INVITE cannot move the MRCP channel between TCP and TLS: start a new session");
        }
        boolean sending = MediaDestinations.clientReceives(offer.synthAudio());
        return sending == wasSending ? new Reoffer(current, sending, false)
                : new Reoffer(next(current, offer), sending, false);
    }

    private static SdpAnswer.Spec next(SdpAnswer.Spec was, MrcpOffer offer) {
        return new SdpAnswer.Spec(offer, was.codec(), was.localAddress(), was.mrcpPort(), was.channelId(),
                was.connection(), was.rtpPort(), was.ptime(), was.sessionVersion() + 1);
    }

    static TelephonyFormat formatOf(AudioCodec codec) {
        return switch (codec.encodingName().toUpperCase(Locale.ROOT)) {
            case "PCMU" -> TelephonyFormat.PCMU_8K;
            case "PCMA" -> TelephonyFormat.PCMA_8K;
            case "L16" -> codec.clockRate() == 16000 ? TelephonyFormat.L16_16K : TelephonyFormat.L16_8K;
            case "G722" -> TelephonyFormat.G722_16K; // 16 kHz audio on an 8000 Hz RTP clock
            default -> throw new IllegalArgumentException("no telephony format for " + codec);
        };
    }
}
