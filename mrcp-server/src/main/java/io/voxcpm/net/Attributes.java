package io.voxcpm.net;

import io.netty.util.AttributeKey;

final class Attributes {

    /** Set on a connection the limiter closed before the rest of the pipeline saw it active. */
    static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("voxcpm.refused");

    /** The client IP a connection was counted under. */
    static final AttributeKey<java.net.InetAddress> PEER = AttributeKey.valueOf("voxcpm.peer");

    private Attributes() { }
}
