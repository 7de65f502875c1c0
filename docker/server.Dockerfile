# The voxcpm-mrcp server (Java). Build from the repository root:
#   docker build -f docker/server.Dockerfile -t voxcpm-mrcp .
# Both base images are published for amd64 and arm64 (Kunpeng hosts such as the Atlas 800 A2), and the jar
# carries Netty's epoll library for both, so the RTP clock paces on epoll on either.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl voxcpm-app -am package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /opt/voxcpm-mrcp
COPY --from=build /src/voxcpm-app/target/voxcpm-mrcp.jar voxcpm-app/target/voxcpm-mrcp.jar
# Class-data sharing (AppCDS), as the launcher does it: one training run of this JRE on this jar (the server on
# private loopback ports, exiting once it listens) archives the classes a start loads, so every container start
# maps them instead of reading and verifying them from the jar (listening about a second sooner). The jar path is
# the same absolute path at training and at run time (the JVM checks it); an archive that does not match is skipped.
RUN cd /tmp && printf 'sip:\n  address: 127.0.0.1\n  port: 0\nmrcp:\n  port: 0\nhttp:\n  port: 0\n' >train.yaml \
 && java -XX:+UseZGC -XX:ArchiveClassesAtExit=/opt/voxcpm-mrcp/voxcpm-mrcp.jsa -Xlog:cds*=off \
      -jar /opt/voxcpm-mrcp/voxcpm-app/target/voxcpm-mrcp.jar serve --config train.yaml --exit-when-listening >/dev/null \
 && rm -rf /tmp/train.yaml /tmp/data
# A JRE and an unprivileged user of its own: every port the server binds is above 1024. Its state, the
# registered voices and the prompt cache (data/ under the working directory), lives on volumes.
RUN groupadd --system --gid 10001 voxcpm \
 && useradd --system --uid 10001 --gid voxcpm --home-dir /opt/voxcpm-mrcp --no-create-home voxcpm \
 && mkdir -p data/voices data/cache && chown -R voxcpm:voxcpm data
VOLUME ["/opt/voxcpm-mrcp/data/voices", "/opt/voxcpm-mrcp/data/cache"]
USER voxcpm
# Ready = listening, engine loaded, not draining (GET /health/ready on the management port, 8090). The JRE
# image has bash but no curl: bash's /dev/tcp speaks the one HTTP/1.0 request. With http.tls-cert set the port
# speaks HTTPS only: probe from outside (Kubernetes httpGet scheme HTTPS) and drop this check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8090 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# SIP (udp+tcp), MRCPv2, management HTTP (metrics, health, admin), RTP (the compose file narrows the range to
# what it publishes).
EXPOSE 8060/udp 8060/tcp 1544/tcp 8090/tcp 5000-6000/udp
# The launcher's collector (ZGC: no pause stops the media clock for milliseconds; docs/performance.md), the heap
# sized from the container's memory limit instead of a fixed -Xmx (70 % of it: the rest is Netty's direct
# buffers, thread stacks and metaspace), and an exit on OutOfMemoryError so the orchestrator restarts a clean
# process. JAVA_TOOL_OPTIONS adds to or overrides these.
ENTRYPOINT ["java", "-XX:+UseZGC", "-XX:InitialRAMPercentage=25", "-XX:MaxRAMPercentage=70", \
            "-XX:+ExitOnOutOfMemoryError", \
            "-XX:SharedArchiveFile=/opt/voxcpm-mrcp/voxcpm-mrcp.jsa", "-Xshare:auto", "-Xlog:cds*=off", \
            "-jar", "/opt/voxcpm-mrcp/voxcpm-app/target/voxcpm-mrcp.jar"]
CMD ["serve"]
