package io.voxcpm.server;

/** What the server holds right now ({@link VoxcpmMrcpServer#usage()}), for health checks and leak tests. */
public record ServerUsage(int sessions, int mrcpChannels, int mrcpConnections, int sipDialogs, int rtpPorts,
                          int sessionTimers) { }
