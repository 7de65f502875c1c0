package io.voxcpm.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads an SDP offer as an MRCPv2 speechsynth session request. Pure: no I/O. */
public final class SdpOffers {

    static final String MRCP_PROTO = "TCP/MRCPv2";
    static final String MRCP_TLS_PROTO = "TCP/TLS/MRCPv2";
    private static final Set<String> DIRECTIONS = Set.of("sendrecv", "sendonly", "recvonly", "inactive");

    private SdpOffers() { }

    /**
     * Parses and classifies an offer. m-lines may come in any order and the control line's fmt may be missing
     * (Cisco UCCX); {@code a=sendrecv} on a control line (added by SofiaSIP) is ignored.
     *
     * @throws SdpException 400 malformed SDP or an enabled audio line without any {@code c=};
     *                      488 no MRCP control line, a control line over anything but TCP/MRCPv2 or
     *                      TCP/TLS/MRCPv2 (whether TLS is served is the session layer's decision),
     *                      or no audio line for the synthesizer;
     *                      404 control lines, but none for the speechsynth resource
     */
    public static MrcpOffer parse(String sdp) throws SdpException {
        SessionDescription session = SdpParser.parse(sdp);
        List<OfferedMedia> media = new ArrayList<>();
        List<MediaDescription> lines = session.media();
        for (int i = 0; i < lines.size(); i++) {
            media.add(classify(i, lines.get(i), session.connectionAddress()));
        }
        List<OfferedMedia.Control> controls = media.stream()
                .filter(OfferedMedia.Control.class::isInstance).map(OfferedMedia.Control.class::cast).toList();
        if (controls.isEmpty()) {
            throw new SdpException(SdpException.NOT_ACCEPTABLE_HERE, "no m=application " + MRCP_PROTO + " line");
        }
        OfferedMedia.Control synth = controls.stream().filter(OfferedMedia.Control::isSpeechSynth).findFirst()
                .orElseThrow(() -> new SdpException(SdpException.NOT_FOUND, "no such resource: only "
                        + controls.stream().map(OfferedMedia.Control::resource).toList() + " offered"));
        List<OfferedMedia.Audio> audios = media.stream()
                .filter(OfferedMedia.Audio.class::isInstance).map(OfferedMedia.Audio.class::cast).toList();
        OfferedMedia.Audio audio = associate(synth, controls.indexOf(synth), audios).orElseThrow(() ->
                new SdpException(SdpException.NOT_ACCEPTABLE_HERE, "no RTP/AVP audio line for speechsynth"));
        if (audio.port() != 0 && audio.address() == null) {
            throw new SdpException(SdpException.BAD_REQUEST, "no c= line for the audio stream");
        }
        return new MrcpOffer(media, synth, audio);
    }

    /** By cmid = mid when both are there, else the n-th audio line for the n-th control line, else the first. */
    private static Optional<OfferedMedia.Audio> associate(OfferedMedia.Control control, int controlPosition,
                                                         List<OfferedMedia.Audio> audios) {
        if (control.cmid().isPresent()) {
            Optional<OfferedMedia.Audio> byMid = audios.stream()
                    .filter(a -> a.mid().equals(control.cmid())).findFirst();
            if (byMid.isPresent()) {
                return byMid;
            }
        }
        if (controlPosition < audios.size()) {
            return Optional.of(audios.get(controlPosition));
        }
        return audios.stream().findFirst();
    }

    private static OfferedMedia classify(int index, MediaDescription m, Optional<String> sessionAddress)
            throws SdpException {
        if (m.isType("application") && m.proto().toUpperCase(Locale.ROOT).contains("MRCP")) {
            boolean tls = m.proto().equalsIgnoreCase(MRCP_TLS_PROTO);
            if (!tls && !m.proto().equalsIgnoreCase(MRCP_PROTO)) {
                throw new SdpException(SdpException.NOT_ACCEPTABLE_HERE, "unsupported control protocol "
                        + m.proto() + ", expected " + MRCP_PROTO + " or " + MRCP_TLS_PROTO);
            }
            String resource = m.attribute("resource").orElse("");
            return new OfferedMedia.Control(index, m.port(), resource, m.attribute("cmid"),
                    ConnectionType.parse(m.attribute("connection").orElse("new")), tls);
        }
        if (m.isType("audio") && m.proto().equalsIgnoreCase("RTP/AVP")) {
            String address = m.connectionAddress().or(() -> sessionAddress).orElse(null);
            return new OfferedMedia.Audio(index, m.port(), address, codecs(m), ptime(m), direction(m), m.attribute("mid"));
        }
        return new OfferedMedia.Other(index, m.type(), m.proto(), m.formats());
    }

    private static List<AudioCodec> codecs(MediaDescription m) {
        Map<Integer, String> rtpmaps = new HashMap<>();
        for (String value : m.attributes("rtpmap")) {
            String[] parts = SdpParser.WHITESPACE.split(value, 2);
            Integer pt = parseInt(parts[0]);
            if (pt != null && parts.length == 2) {
                rtpmaps.putIfAbsent(pt, parts[1].strip());
            }
        }
        List<AudioCodec> codecs = new ArrayList<>();
        for (String format : m.formats()) {
            Integer pt = parseInt(format);
            if (pt == null || pt < 0 || pt > 127) {
                continue;
            }
            String map = rtpmaps.get(pt);
            Optional<AudioCodec> codec = map == null ? AudioCodec.staticType(pt) : fromRtpmap(pt, map);
            codec.ifPresent(codecs::add);
        }
        return codecs;
    }

    /** {@code <name>/<rate>[/<channels>]}. */
    private static Optional<AudioCodec> fromRtpmap(int pt, String map) {
        String[] parts = map.split("/");
        Integer rate = parts.length >= 2 ? parseInt(parts[1]) : null;
        Integer channels = parts.length >= 3 ? parseInt(parts[2]) : Integer.valueOf(1);
        if (rate == null || channels == null) {
            return Optional.empty();
        }
        return AudioCodec.supported(pt, parts[0].strip(), rate, channels);
    }

    private static Optional<Integer> ptime(MediaDescription m) {
        return m.attribute("ptime").map(SdpOffers::parseInt).filter(p -> p > 0 && p <= 200);
    }

    private static String direction(MediaDescription m) {
        return m.attributes().stream().map(MediaDescription.Attribute::name)
                .map(n -> n.toLowerCase(Locale.ROOT)).filter(DIRECTIONS::contains)
                .reduce((first, last) -> last).orElse("sendrecv");
    }

    private static Integer parseInt(String s) {
        try {
            return Integer.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
