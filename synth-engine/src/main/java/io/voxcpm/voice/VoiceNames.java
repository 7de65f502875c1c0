package io.voxcpm.voice;

import java.util.regex.Pattern;

/**
 * Voice names as a dialplan writes them ({@code speak unimrcp:voxcpm|acme-brand|...}). The alphabet
 * is small so a name is safe as a directory name on every file system and needs no quoting in
 * dialplans, SSML or MRCP headers.
 */
public final class VoiceNames {

    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[a-z0-9_-]{1," + MAX_LENGTH + "}");

    private VoiceNames() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Returns {@code name} if valid, else throws with a message that says what is allowed. */
    public static String requireValid(String name) throws InvalidVoiceException {
        if (!isValid(name)) {
            throw new InvalidVoiceException("invalid voice name " + quote(name)
                    + ": use 1-" + MAX_LENGTH + " characters from lower-case letters a-z, digits 0-9, '-' and '_'"
                    + " (e.g. acme-brand)");
        }
        return name;
    }

    private static String quote(String name) {
        return name == null ? "(none)" : "'" + name + "'";
    }
}
