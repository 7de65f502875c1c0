package io.voxcpm.ops.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The management port's route table: method + path pattern to handler. A pattern is literal segments and
 * {@code {name}} segments that match one segment each ({@code /admin/v1/voices/{name}}). Routes may be added
 * while the server runs (a component that starts late registers when it is ready); the first match wins.
 */
public final class Routes {

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    /** A route whose body may be as large as the server's {@link HttpLimits#maxBodyBytes()}. */
    public Routes add(String method, String pattern, HttpHandler handler) {
        return add(method, pattern, -1, handler);
    }

    /** A route with its own body limit (an upload), which may be above or below the server's default. */
    public Routes add(String method, String pattern, int maxBodyBytes, HttpHandler handler) {
        Route route = new Route(method.toUpperCase(java.util.Locale.ROOT), Pattern.parse(pattern), maxBodyBytes,
                Objects.requireNonNull(handler, "handler"));
        for (Route r : routes) {
            if (r.method.equals(route.method) && r.pattern.source.equals(route.pattern.source)) {
                throw new IllegalArgumentException("route " + method + " " + pattern + " is already registered");
            }
        }
        routes.add(route);
        return this;
    }

    /** The largest body any route accepts, given the server's default. */
    int largestBody(int defaultMax) {
        int max = defaultMax;
        for (Route r : routes) {
            max = Math.max(max, r.maxBodyBytes);
        }
        return max;
    }

    /** The route for method and raw (still percent-encoded) path, the methods the path allows if none matches the method, or none. */
    Lookup find(String method, String path) {
        String[] segments = Pattern.split(path);
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = r.pattern.match(segments);
            if (params == null) {
                continue;
            }
            if (r.method.equals(method)) {
                return new Lookup(r, params, Set.of());
            }
            allowed.add(r.method);
        }
        return new Lookup(null, Map.of(), allowed);
    }

    record Lookup(Route route, Map<String, String> params, Set<String> allowed) { }

    record Route(String method, Pattern pattern, int maxBodyBytes, HttpHandler handler) {
        int bodyLimit(int defaultMax) {
            return maxBodyBytes < 0 ? defaultMax : maxBodyBytes;
        }
    }

    /** Path segments, each literal or a {@code {name}} (null literal). */
    record Pattern(String source, String[] literals, String[] names) {

        static Pattern parse(String source) {
            if (!source.startsWith("/")) {
                throw new IllegalArgumentException("a route pattern starts with '/': " + source);
            }
            String[] parts = split(source);
            String[] literals = new String[parts.length];
            String[] names = new String[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                if (p.startsWith("{") && p.endsWith("}") && p.length() > 2) {
                    names[i] = p.substring(1, p.length() - 1);
                } else if (p.contains("{") || p.contains("}")) {
                    throw new IllegalArgumentException("a {name} must be a whole segment: " + source);
                } else {
                    literals[i] = p;
                }
            }
            return new Pattern(source, literals, names);
        }

        static String[] split(String path) {
            String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            return trimmed.equals("/") ? new String[0] : trimmed.substring(1).split("/", -1);
        }

        Map<String, String> match(String[] segments) {
            if (segments.length != literals.length) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < segments.length; i++) {
                if (names[i] != null) {
                    if (segments[i].isEmpty()) {
                        return null;
                    }
                    // a path keeps '+' literal (only forms turn it into a space)
                    params.put(names[i], URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8));
                } else if (!literals[i].equals(segments[i])) {
                    return null;
                }
            }
            return params;
        }
    }
}
