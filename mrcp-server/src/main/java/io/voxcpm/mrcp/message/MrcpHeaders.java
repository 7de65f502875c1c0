package io.voxcpm.mrcp.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The header fields of one message: ordered, looked up case-insensitively, immutable. Names keep the
 * spelling they had and values their exact characters, because peers compare some of them byte for
 * byte (the Channel-Identifier above all). A message carries few headers, so lookups scan them.
 */
public final class MrcpHeaders {

    private static final MrcpHeaders EMPTY = new MrcpHeaders(new MrcpHeader[0]);

    /**
     * Looked up by index: every message's headers are read several times on the event loop, and one array
     * type keeps those loops free of iterator objects and of call sites that see many list classes.
     */
    private final MrcpHeader[] fields;
    /**
     * The same fields as an unmodifiable list, made when first asked for: the event loop reads a request's
     * headers by name and writes a response's by index, so most messages never need it. A race makes it twice,
     * harmlessly (its fields are final, so it is published whole).
     */
    private List<MrcpHeader> entries;

    private MrcpHeaders(MrcpHeader[] fields) {
        this.fields = fields;
    }

    public static MrcpHeaders empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder(new ArrayList<>());
    }

    /** The decoder's fields, taken once per message without a builder. */
    static MrcpHeaders adopt(List<MrcpHeader> entries) {
        return entries.isEmpty() ? EMPTY : new MrcpHeaders(entries.toArray(new MrcpHeader[0]));
    }

    /** {@code first}, then {@code rest}'s fields: a response's echoed Channel-Identifier and its own fields. */
    static MrcpHeaders prepend(MrcpHeader first, MrcpHeaders rest) {
        MrcpHeader[] all = new MrcpHeader[rest.fields.length + 1];
        all[0] = first;
        System.arraycopy(rest.fields, 0, all, 1, rest.fields.length);
        return new MrcpHeaders(all);
    }

    /** Shorthand for a message that carries only its Channel-Identifier. */
    public static MrcpHeaders ofChannel(String channelId) {
        return builder().add(MrcpHeaderNames.CHANNEL_IDENTIFIER, channelId).build();
    }

    public Builder toBuilder() {
        return new Builder(new ArrayList<>(Arrays.asList(fields)));
    }

    /** The first value of the named header, or null. */
    public String get(String name) {
        MrcpHeader header = first(name);
        return header == null ? null : header.value();
    }

    /** The first field of that name, or null. */
    MrcpHeader first(String name) {
        for (MrcpHeader header : fields) {
            if (header.name().equalsIgnoreCase(name)) {
                return header;
            }
        }
        return null;
    }

    /** The field at {@code index}, in message order (the encoder's walk, without a list or an iterator). */
    MrcpHeader field(int index) {
        return fields[index];
    }

    /** Every value of the named header, in message order; unmodifiable. */
    public List<String> getAll(String name) {
        List<String> values = null; // most names asked for are absent: no list for them
        for (MrcpHeader header : fields) {
            if (header.name().equalsIgnoreCase(name)) {
                if (values == null) {
                    values = new ArrayList<>(1);
                }
                values.add(header.value());
            }
        }
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    public boolean contains(String name) {
        return get(name) != null;
    }

    /** All fields in message order. */
    public List<MrcpHeader> entries() {
        List<MrcpHeader> list = entries;
        if (list == null) {
            list = Collections.unmodifiableList(Arrays.asList(fields));
            entries = list;
        }
        return list;
    }

    public int size() {
        return fields.length;
    }

    public boolean isEmpty() {
        return fields.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MrcpHeaders other && Arrays.equals(fields, other.fields);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fields); // as the entries list's
    }

    @Override
    public String toString() {
        return entries().toString();
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // a token: visible ASCII without the separator that ends a name
            if (c <= ' ' || c >= 0x7f || c == ':') {
                throw new IllegalArgumentException("invalid character in header name: " + name);
            }
        }
    }

    static void checkValue(String value) {
        if (value == null) {
            throw new IllegalArgumentException("null header value");
        }
        // CR or LF in a value would let it end the line and inject fields or a body
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("line break in header value");
        }
    }

    /** Collects fields in order. Not thread-safe; each {@link #build()} takes a snapshot. */
    public static final class Builder {

        private final List<MrcpHeader> entries;

        private Builder(List<MrcpHeader> entries) {
            this.entries = entries;
        }

        /** Appends a field, keeping any others of that name. */
        public Builder add(String name, String value) {
            entries.add(new MrcpHeader(name, value));
            return this;
        }

        /** Replaces every field of that name by one, at the place of the first (or appended). */
        public Builder set(String name, String value) {
            MrcpHeader header = new MrcpHeader(name, value);
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).name().equalsIgnoreCase(name)) {
                    entries.set(i, header);
                    removeFrom(i + 1, name);
                    return this;
                }
            }
            entries.add(header);
            return this;
        }

        public Builder remove(String name) {
            removeFrom(0, name);
            return this;
        }

        public Builder addAll(MrcpHeaders headers) {
            Collections.addAll(entries, headers.fields);
            return this;
        }

        public MrcpHeaders build() {
            return entries.isEmpty() ? EMPTY : new MrcpHeaders(entries.toArray(new MrcpHeader[0]));
        }

        private void removeFrom(int start, String name) {
            for (int i = entries.size() - 1; i >= start; i--) {
                if (entries.get(i).name().equalsIgnoreCase(name)) {
                    entries.remove(i);
                }
            }
        }
    }
}
