package io.voxcpm.ops.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request as a handler sees it: method, path, the route's {@code {name}} segments, query parameters,
 * headers and body. Valid only while the handler runs (the body buffer is released after it returns).
 */
public final class HttpCall {

    private final FullHttpRequest request;
    private final QueryStringDecoder uri;
    private final Map<String, String> pathParams;
    private final InetSocketAddress remote;

    HttpCall(FullHttpRequest request, QueryStringDecoder uri, Map<String, String> pathParams,
             InetSocketAddress remote) {
        this.request = request;
        this.uri = uri;
        this.pathParams = Map.copyOf(pathParams);
        this.remote = remote;
    }

    public String method() {
        return request.method().name();
    }

    /** The decoded path, without the query. */
    public String path() {
        return uri.path();
    }

    /** A {@code {name}} segment of the route's pattern, decoded. */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route has no {" + name + "} segment");
        }
        return value;
    }

    public Optional<String> query(String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(request.headers().get(name));
    }

    public byte[] body() {
        return ByteBufUtil.getBytes(request.content());
    }

    public String bodyText() {
        return request.content().toString(StandardCharsets.UTF_8);
    }

    /** The body parsed as JSON into {@code type}; a body that does not fit is a 400. */
    public <T> T bodyJson(Class<T> type) {
        try {
            return HttpReply.MAPPER.readValue(body(), type);
        } catch (java.io.IOException e) {
            throw new HttpError(400, "bad_json", "the body is not the JSON expected here: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The client's address as audit entries and logs name it; "embedded" off a socket (handler tests). */
    public String clientHost() {
        return remote == null ? "embedded" : remote.getAddress().getHostAddress();
    }

    /** The aggregated Netty request, e.g. for {@code HttpPostRequestDecoder} on a multipart upload. */
    public FullHttpRequest netty() {
        return request;
    }
}
