package io.voxcpm.session;

import com.google.common.net.InetAddresses;
import io.voxcpm.net.IpNetwork;
import io.voxcpm.sdp.OfferedMedia;
import io.voxcpm.sdp.SdpException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where the server agrees to send a session's RTP. An SDP offer names any address it likes, so without a
 * check one small INVITE would turn a long SPEAK into a stream of tens of Mbit/s at a third party (an
 * open reflector). RTP therefore goes only to the address the SIP request came from, or into a network
 * the operator lists ({@code media.allowed-networks}: a proxy or a media gateway in front of the PBX).
 *
 * <p>The {@code c=} address must be an IP literal: resolving a name would block the SIP event loop for the
 * resolver's timeout and let the offer pick its target through DNS. Addresses that reach more than one
 * host, or no host in particular, are refused even inside a listed network: unspecified, multicast,
 * broadcast, link-local and the reserved 0/8 and 240/4. Pure: no lookups, no I/O.
 */
public final class MediaDestinations {

    /** RFC 3261 §20.43 warn-codes. */
    static final int WARN_ADDRESS_FORMAT = 301;
    static final int WARN_MISC = 399;

    private final List<IpNetwork> allowedNetworks;

    /** @param allowedNetworks networks RTP may go to besides the signalling source; empty for none */
    public MediaDestinations(List<IpNetwork> allowedNetworks) {
        this.allowedNetworks = List.copyOf(allowedNetworks);
    }

    /** Only the signalling source. */
    public static MediaDestinations signallingSourceOnly() {
        return new MediaDestinations(List.of());
    }

    public List<IpNetwork> allowedNetworks() {
        return allowedNetworks;
    }

    /**
     * The RTP destination of an offered audio line.
     *
     * @param audio             the synthesizer's audio line
     * @param signallingSource  the address the INVITE came from
     * @throws SdpException 488 with a warn-code when the line names no acceptable destination
     */
    public InetSocketAddress destination(OfferedMedia.Audio audio, InetAddress signallingSource)
            throws SdpException {
        if (audio.port() == 0) {
            throw refused(WARN_MISC, "the speechsynth audio stream is disabled (port 0)");
        }
        InetAddress address = literal(audio.address());
        String problem = unicastProblem(address);
        if (problem != null) {
            throw refused(WARN_MISC, "RTP address " + audio.address() + " is " + problem);
        }
        if (!address.equals(signallingSource) && allowedNetworks.stream().noneMatch(n -> n.contains(address))) {
            throw refused(WARN_MISC, "RTP address " + audio.address() + " is neither the SIP source "
                    + signallingSource.getHostAddress() + " nor in media.allowed-networks");
        }
        return new InetSocketAddress(address, audio.port());
    }

    /**
     * Whether a host may speak for a session whose INVITE came from {@code signallingSource}: the source
     * itself, or a host in the listed networks (the PBX behind a SIP proxy, which opens the MRCP connection
     * and receives the RTP itself).
     */
    public boolean isPeer(InetAddress host, InetAddress signallingSource) {
        return host.equals(signallingSource) || allowedNetworks.stream().anyMatch(n -> n.contains(host));
    }

    /**
     * Whether the client wants our audio on this line (RFC 3264 §5.1: a {@code sendonly} or {@code inactive}
     * offer, a disabled port, or the legacy hold address {@code 0.0.0.0} of RFC 2543 means no).
     */
    public static boolean clientReceives(OfferedMedia.Audio audio) {
        boolean hold = audio.address() != null && InetAddresses.isInetAddress(audio.address())
                && InetAddresses.forString(audio.address()).isAnyLocalAddress();
        return audio.port() != 0 && !hold
                && (audio.direction().equals("sendrecv") || audio.direction().equals("recvonly"));
    }

    private static InetAddress literal(String address) throws SdpException {
        if (address == null || !InetAddresses.isInetAddress(address)) {
            throw refused(WARN_ADDRESS_FORMAT, "the c= address must be an IP literal, not '"
                    + (address == null ? "" : address) + "'");
        }
        return InetAddresses.forString(address);
    }

    /** Why this address is not one host's unicast address, or null when it is. */
    static String unicastProblem(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address instanceof Inet4Address) {
            int first = address.getAddress()[0] & 0xFF;
            if (first == 0) {
                return "in 0.0.0.0/8 (this network)";
            }
            if (first >= 240) {
                return first == 255 && address.equals(InetAddresses.forString("255.255.255.255"))
                        ? "broadcast" : "reserved (240.0.0.0/4)";
            }
        }
        return null;
    }

    private static SdpException refused(int warnCode, String why) {
        return new SdpException(SdpException.NOT_ACCEPTABLE_HERE, warnCode, why);
    }
}
