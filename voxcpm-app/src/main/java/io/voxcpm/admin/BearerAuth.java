package io.voxcpm.admin;

import io.voxcpm.ops.http.HttpCall;
import io.voxcpm.ops.http.HttpHandler;
import io.voxcpm.ops.http.HttpReply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin API's one check: {@code Authorization: Bearer TOKEN}. Both sides are hashed before the comparison
 * and compared with {@link MessageDigest#isEqual} (constant time), so neither the length nor a prefix of the
 * token leaks through response timing. A refusal is a 401 with {@code WWW-Authenticate} and says nothing about
 * how close the guess was.
 */
final class BearerAuth {

    private static final String SCHEME = "bearer ";

    private final byte[] expected;

    BearerAuth(String token) {
        this.expected = sha256(token);
    }

    /** {@code handler} behind the check. */
    HttpHandler guard(HttpHandler handler) {
        return call -> allowed(call) ? handler.handle(call) : denied(call);
    }

    boolean allowed(HttpCall call) {
        String header = call.header("Authorization").orElse("");
        if (header.length() <= SCHEME.length() || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(header.substring(SCHEME.length()).strip()));
    }

    private static HttpReply denied(HttpCall call) {
        boolean sent = call.header("Authorization").isPresent();
        return HttpReply.error(401, "unauthorized", sent
                        ? "the bearer token is not the configured admin token"
                        : "send Authorization: Bearer <admin token> (admin.token-file or $" + AdminConfig.TOKEN_ENV + ")")
                .withHeader("WWW-Authenticate", "Bearer realm=\"voxcpm-mrcp admin\"");
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
