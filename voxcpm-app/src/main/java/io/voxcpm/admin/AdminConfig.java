package io.voxcpm.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code admin} keys: the bearer token that turns {@code /admin/v1} on, and its limits. The token is never
 * in a file of the repository: it comes from the environment ({@value #TOKEN_ENV}), from a file an operator
 * (or a Kubernetes Secret) provides ({@code admin.token-file}), or, least preferred, inline ({@code admin.token}).
 *
 * @param token             the token itself (keep the configuration file private when set here)
 * @param tokenFile         a file whose first line is the token
 * @param maxUploadMb       the largest request body of a voice upload (a 30 s WAV at 48 kHz stereo is 5.5 MB)
 * @param maxPrewarmPrompts the most prompts one pre-warm request may list
 */
public record AdminConfig(String token, @JsonProperty("token-file") String tokenFile,
                          @JsonProperty("max-upload-mb") Integer maxUploadMb,
                          @JsonProperty("max-prewarm-prompts") Integer maxPrewarmPrompts) {

    public static final String TOKEN_ENV = "VOXCPM_ADMIN_TOKEN";
    /** Shorter tokens are guessable: refused at start. */
    public static final int MIN_TOKEN_CHARS = 16;
    public static final AdminConfig DEFAULTS = new AdminConfig(null, null, null, null);

    public AdminConfig {
        token = token == null || token.isBlank() ? null : token.strip();
        tokenFile = tokenFile == null || tokenFile.isBlank() ? null : tokenFile;
        maxUploadMb = maxUploadMb == null ? 16 : maxUploadMb;
        maxPrewarmPrompts = maxPrewarmPrompts == null ? 10_000 : maxPrewarmPrompts;
    }

    public AdminConfig withToken(String value) {
        return new AdminConfig(value, tokenFile, maxUploadMb, maxPrewarmPrompts);
    }

    /**
     * The token to require, from the environment first, then {@code token-file}, then {@code token}; empty when
     * none is configured (the admin API is off).
     *
     * @throws IllegalArgumentException the token file cannot be read or the token is too short; the message says which
     */
    public Optional<String> resolveToken(Map<String, String> env) {
        String value = env.get(TOKEN_ENV);
        String from = "$" + TOKEN_ENV;
        if (value == null || value.isBlank()) {
            value = null;
            if (tokenFile != null) {
                String problem = StartupProblems.unreadableFile("admin.token-file", Path.of(tokenFile));
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
                try {
                    value = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).lines().findFirst().orElse("");
                } catch (IOException e) {
                    throw new IllegalArgumentException("admin.token-file: cannot read " + tokenFile + ": " + e.getMessage());
                }
                from = "admin.token-file " + tokenFile;
            } else {
                value = token;
                from = "admin.token";
            }
        }
        if (value == null) {
            return Optional.empty();
        }
        value = value.strip();
        if (value.length() < MIN_TOKEN_CHARS) {
            throw new IllegalArgumentException("the admin token from " + from + " has " + value.length()
                    + " characters; use at least " + MIN_TOKEN_CHARS + " random ones, e.g. openssl rand -hex 32");
        }
        return Optional.of(value);
    }

    /** Adds each problem of this section to {@code problems}. */
    public void check(List<String> problems) {
        if (maxUploadMb < 1 || maxUploadMb > 512) {
            problems.add("admin.max-upload-mb must be 1-512, got " + maxUploadMb);
        }
        if (maxPrewarmPrompts < 1) {
            problems.add("admin.max-prewarm-prompts must be at least 1, got " + maxPrewarmPrompts);
        }
        if (token != null && token.length() < MIN_TOKEN_CHARS) {
            problems.add("admin.token must have at least " + MIN_TOKEN_CHARS + " characters");
        }
    }
}
