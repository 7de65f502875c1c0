package io.voxcpm.mrcp.message;

/**
 * One header field, with the name spelled as it was received or given and the value without the
 * surrounding whitespace.
 */
public record MrcpHeader(String name, String value) {

    public MrcpHeader {
        MrcpHeaders.checkName(name);
        MrcpHeaders.checkValue(value);
    }
}
