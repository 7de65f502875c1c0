package io.voxcpm.sdp;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One {@code m=} section.
 *
 * @param type              {@code audio}, {@code application}, ...
 * @param port              the port, 0 for a disabled stream
 * @param proto             e.g. {@code RTP/AVP} or {@code TCP/MRCPv2}
 * @param formats           the fmt tokens (may be empty: some clients omit the MRCP line's {@code 1})
 * @param connectionAddress the media-level {@code c=} address, if any
 * @param attributes        the {@code a=} lines in order
 */
record MediaDescription(String type, int port, String proto, List<String> formats,
                               Optional<String> connectionAddress, List<Attribute> attributes) {

    public MediaDescription {
        formats = List.copyOf(formats);
        attributes = List.copyOf(attributes);
    }

    /** The value of the first attribute with this name (case-insensitive), if any. */
    public Optional<String> attribute(String name) {
        return attributes.stream().filter(a -> a.name().equalsIgnoreCase(name)).map(Attribute::value).findFirst();
    }

    /** All values of the attributes with this name, in order. */
    public List<String> attributes(String name) {
        return attributes.stream().filter(a -> a.name().equalsIgnoreCase(name)).map(Attribute::value).toList();
    }

    public boolean isType(String wanted) {
        return type.toLowerCase(Locale.ROOT).equals(wanted);
    }

    /** An {@code a=name[:value]} line; a flag attribute such as {@code a=recvonly} has an empty value. */
    public record Attribute(String name, String value) { }
}
