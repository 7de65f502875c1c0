package io.voxcpm.ops;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code records:} section, synthesis detail records: one JSON line per SPEAK.
 *
 * @param file        where the lines go (rotated daily and by size, compressed); null or empty: off
 * @param includeText whether each line carries the prompt text (it may hold what callers said or typed)
 * @param maxFileMb   size at which the current file is rotated
 * @param maxHistory  rotated files kept (days)
 */
public record RecordsConfig(String file, @JsonProperty("include-text") Boolean includeText,
                            @JsonProperty("max-file-mb") Integer maxFileMb,
                            @JsonProperty("max-history") Integer maxHistory) {

    public static final RecordsConfig DEFAULTS = new RecordsConfig(null, null, null, null);

    public RecordsConfig {
        file = file == null || file.isBlank() ? null : file;
        includeText = includeText != null && includeText;
        maxFileMb = maxFileMb == null ? 100 : maxFileMb;
        maxHistory = maxHistory == null ? 14 : maxHistory;
    }

    public boolean enabled() {
        return file != null;
    }

    /** Adds each problem of this section to {@code problems}, worded for the operator. */
    public void check(List<String> problems) {
        if (maxFileMb < 1 || maxHistory < 1) {
            problems.add("records.max-file-mb and records.max-history must be at least 1");
        }
    }
}
