package io.voxcpm.net;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IP network written in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare address is
 * a network of one ({@code /32} or {@code /128}). Parsed without any name lookup.
 */
public record IpNetwork(InetAddress base, int prefixLength) {

    public IpNetwork {
        int bits = base.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0-" + bits);
        }
        base = masked(base, prefixLength);
    }

    /**
     * Parses {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException when the address is not an IP literal or the prefix is out of range
     */
    public static IpNetwork parse(String cidr) {
        String text = cidr.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!InetAddresses.isInetAddress(address)) {
            throw new IllegalArgumentException("not an IP network (address/prefix): '" + cidr + "'");
        }
        InetAddress base = InetAddresses.forString(address);
        int prefix = base.getAddress().length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IP network (address/prefix): '" + cidr + "'");
            }
        }
        try {
            return new IpNetwork(base, prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + cidr + "': " + e.getMessage());
        }
    }

    /** Whether {@code address} lies in this network; an IPv4 address never lies in an IPv6 network. */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return candidate.length == base.getAddress().length
                && Arrays.equals(masked(address, prefixLength).getAddress(), base.getAddress());
    }

    private static InetAddress masked(InetAddress address, int prefixLength) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            bytes[i] &= (byte) (0xFF << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);  // only for a wrong length, which cannot happen here
        }
    }

    @Override
    public String toString() {
        return InetAddresses.toAddrString(base) + "/" + prefixLength;
    }
}
