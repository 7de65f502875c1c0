package io.voxcpm.sdp;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes the SDP answer to an MRCP offer in the shape UniMRCP clients expect (mrcp-interop.md §1.3/§1.4):
 * same m-lines in the same order, the synth control line answered passive with {@code a=channel}, its audio
 * line answered {@code sendonly} with the one chosen codec, everything else disabled with port 0.
 * telephone-event is never echoed: the server sends no DTMF, and UniMRCP clients accept a single codec.
 */
public final class SdpAnswer {

    private static final String CRLF = "\r\n";
    private static final Pattern TOKEN = Pattern.compile("[!-~&&[^@]]+");

    private SdpAnswer() { }

    /**
     * What the session layer decided.
     *
     * @param offer          the parsed offer
     * @param codec          from {@link MrcpOffer#negotiateCodec()}
     * @param localAddress   the IP to advertise in {@code o=} and {@code c=}
     * @param mrcpPort       the MRCP listening port of the transport the offer asked for (TCP or TLS)
     * @param channelId      the channel/session id (16 hex chars by convention); the answer carries
     *                       {@code <channelId>@speechsynth}
     * @param connection     {@code new} or {@code existing}
     * @param rtpPort        the local RTP port
     * @param ptime          the packet time in ms, normally {@link MrcpOffer#ptime()}
     * @param sessionVersion the {@code o=} version: keep it for an unchanged re-offer, increase it on change
     */
    public record Spec(MrcpOffer offer, AudioCodec codec, String localAddress, int mrcpPort, String channelId,
                       ConnectionType connection, int rtpPort, int ptime, long sessionVersion) {

        public Spec {
            Objects.requireNonNull(offer, "offer");
            Objects.requireNonNull(codec, "codec");
            Objects.requireNonNull(localAddress, "localAddress");
            Objects.requireNonNull(connection, "connection");
            if (channelId == null || !TOKEN.matcher(channelId).matches()) {
                throw new IllegalArgumentException("channel id must be a token without '@': " + channelId);
            }
        }

        /** A first answer: ptime as offered (or 20), session version 1. */
        public Spec(MrcpOffer offer, AudioCodec codec, String localAddress, int mrcpPort, String channelId,
                    ConnectionType connection, int rtpPort) {
            this(offer, codec, localAddress, mrcpPort, channelId, connection, rtpPort, offer.ptime(), 1);
        }
    }

    public static String build(Spec spec) {
        StringBuilder sdp = new StringBuilder(512);
        header(sdp, sessionId(spec.channelId()), spec.sessionVersion(), spec.localAddress());
        MrcpOffer offer = spec.offer();
        for (OfferedMedia media : offer.media()) {
            if (media == offer.synthControl()) {
                synthControl(sdp, spec, offer.synthControl());
            } else if (media == offer.synthAudio()) {
                synthAudio(sdp, spec, offer.synthAudio());
            } else if (media instanceof OfferedMedia.Control c) {
                sdp.append("m=application 0 ").append(c.proto()).append(" 1").append(CRLF);
                c.cmid().ifPresent(cmid -> sdp.append("a=cmid:").append(cmid).append(CRLF));
            } else if (media instanceof OfferedMedia.Audio a) {
                sdp.append("m=audio 0 RTP/AVP ")
                        .append(a.codecs().isEmpty() ? 0 : a.codecs().get(0).payloadType()).append(CRLF);
                a.mid().ifPresent(mid -> sdp.append("a=mid:").append(mid).append(CRLF));
            } else if (media instanceof OfferedMedia.Other o) {
                sdp.append("m=").append(o.type()).append(" 0 ").append(o.proto()).append(' ')
                        .append(o.formats().isEmpty() ? "0" : String.join(" ", o.formats())).append(CRLF);
            }
        }
        return sdp.toString();
    }

    private static void synthControl(StringBuilder sdp, Spec spec, OfferedMedia.Control c) {
        sdp.append("m=application ").append(c.port() == 0 ? 0 : spec.mrcpPort())
                .append(' ').append(c.proto()).append(" 1").append(CRLF);
        sdp.append("a=setup:passive").append(CRLF);
        sdp.append("a=connection:").append(spec.connection().sdpValue()).append(CRLF);
        sdp.append("a=channel:").append(spec.channelId()).append("@speechsynth").append(CRLF);
        spec.offer().cmidFor(c).ifPresent(cmid -> sdp.append("a=cmid:").append(cmid).append(CRLF));
    }

    private static void synthAudio(StringBuilder sdp, Spec spec, OfferedMedia.Audio a) {
        AudioCodec codec = spec.codec();
        sdp.append("m=audio ").append(a.port() == 0 ? 0 : spec.rtpPort())
                .append(" RTP/AVP ").append(codec.payloadType()).append(CRLF);
        sdp.append("a=rtpmap:").append(codec.rtpmap()).append(CRLF);
        sdp.append("a=").append(answerDirection(a.direction())).append(CRLF);
        sdp.append("a=ptime:").append(spec.ptime()).append(CRLF);
        a.mid().ifPresent(mid -> sdp.append("a=mid:").append(mid).append(CRLF));
    }

    /**
     * The resource-discovery description returned to OPTIONS (RFC 6787 §7, in UniMRCP's shape): what the
     * server offers, with port 0 everywhere.
     */
    public static String capabilities(String localAddress) {
        StringBuilder sdp = new StringBuilder(256);
        header(sdp, 0, 0, localAddress);
        sdp.append("m=application 0 ").append(SdpOffers.MRCP_PROTO).append(" 1").append(CRLF);
        sdp.append("a=resource:speechsynth").append(CRLF);
        sdp.append("m=audio 0 RTP/AVP 0 8 9 96 97").append(CRLF);
        sdp.append("a=rtpmap:0 PCMU/8000").append(CRLF);
        sdp.append("a=rtpmap:8 PCMA/8000").append(CRLF);
        sdp.append("a=rtpmap:9 G722/8000").append(CRLF);
        sdp.append("a=rtpmap:96 L16/8000").append(CRLF);
        sdp.append("a=rtpmap:97 L16/16000").append(CRLF);
        return sdp.toString();
    }

    private static void header(StringBuilder sdp, long sessionId, long version, String address) {
        String addrType = address.indexOf(':') >= 0 ? "IP6" : "IP4";
        sdp.append("v=0").append(CRLF);
        sdp.append("o=voxcpm ").append(sessionId).append(' ').append(version)
                .append(" IN ").append(addrType).append(' ').append(address).append(CRLF);
        sdp.append("s=-").append(CRLF);
        sdp.append("c=IN ").append(addrType).append(' ').append(address).append(CRLF);
        sdp.append("t=0 0").append(CRLF);
    }

    /** A synthesizer sends; the client reverses the answer's direction, so say sendonly unless it won't listen. */
    private static String answerDirection(String offered) {
        return offered.equals("sendonly") || offered.equals("inactive") ? "inactive" : "sendonly";
    }

    /** Stable per channel so an unchanged re-offer gets a byte-identical answer. */
    private static long sessionId(String channelId) {
        long h = 1125899906842597L;
        for (int i = 0; i < channelId.length(); i++) {
            h = 31 * h + channelId.charAt(i);
        }
        return h & Long.MAX_VALUE;
    }
}
