package io.voxcpm.sdp;

import java.util.List;
import java.util.Optional;

/** One m-line of an MRCP offer, classified. The answer has one line per offered line, in the same order. */
public sealed interface OfferedMedia {

    /** Position of the m-line in the offer. */
    int index();

    /**
     * {@code m=application <port> TCP/MRCPv2 [1]}, or {@code TCP/TLS/MRCPv2} over TLS (RFC 6787 §4.2).
     *
     * @param resource   {@code a=resource}, e.g. {@code speechsynth}
     * @param cmid       {@code a=cmid}, the {@code a=mid} of the audio line this channel uses, if given
     * @param connection {@code a=connection}; absent means new
     * @param port       0 when the client removes the channel (re-INVITE)
     * @param tls        the client asked for MRCPv2 over TLS ({@code TCP/TLS/MRCPv2})
     */
    record Control(int index, int port, String resource, Optional<String> cmid, ConnectionType connection,
                   boolean tls) implements OfferedMedia {

        /** The protocol of this line in the answer: the one the offer asked for. */
        public String proto() {
            return tls ? SdpOffers.MRCP_TLS_PROTO : SdpOffers.MRCP_PROTO;
        }

        public boolean isSpeechSynth() {
            return "speechsynth".equalsIgnoreCase(resource);
        }
    }

    /**
     * {@code m=audio <port> RTP/AVP <pts>}.
     *
     * @param address    the media or session {@code c=} address RTP goes to
     * @param codecs     the offered formats we can send, in offer order (telephone-event and others dropped)
     * @param ptime      {@code a=ptime}, if given
     * @param direction  {@code sendrecv}, {@code recvonly}, {@code sendonly} or {@code inactive}
     * @param mid        {@code a=mid}, if given
     */
    record Audio(int index, int port, String address, List<AudioCodec> codecs, Optional<Integer> ptime,
                 String direction, Optional<String> mid) implements OfferedMedia {

        public Audio {
            codecs = List.copyOf(codecs);
        }
    }

    /** Any other m-line (video, a non-MRCP application, ...): answered with port 0. */
    record Other(int index, String type, String proto, List<String> formats) implements OfferedMedia {

        public Other {
            formats = List.copyOf(formats);
        }
    }
}
