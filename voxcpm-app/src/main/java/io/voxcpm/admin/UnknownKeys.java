package io.voxcpm.admin;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Comparator;
import java.util.List;

/** The words after "unknown key 'sip.prot'": the likely intended key and the keys that section takes. */
public final class UnknownKeys {

    private UnknownKeys() {
    }

    /** What the section takes instead, closest spelling first: a typo is usually one or two letters off. */
    public static String hint(UnrecognizedPropertyException e) {
        if (e.getKnownPropertyIds() == null || e.getKnownPropertyIds().isEmpty()) {
            return "";
        }
        String typed = e.getPropertyName();
        List<String> known = e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
        String closest = known.stream().min(Comparator.comparingInt(k -> editDistance(k, typed))).orElseThrow();
        String hint = editDistance(closest, typed) <= 2 ? " (did you mean '" + closest + "'?)" : "";
        return hint + "; valid keys here: " + String.join(", ", known);
    }

    private static int editDistance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }
}
