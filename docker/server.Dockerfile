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
# A JRE and an unprivileged user of its own: every port the server binds is above 1024. Its state, the
# registered voices and the prompt cache (data/ under the working directory), lives on volumes.
RUN groupadd --system --gid 10001 voxcpm \
 && useradd --system --uid 10001 --gid voxcpm --home-dir /opt/voxcpm-mrcp --no-create-home voxcpm \
 && mkdir -p data/voices data/cache && chown -R voxcpm:voxcpm data
VOLUME ["/opt/voxcpm-mrcp/data/voices", "/opt/voxcpm-mrcp/data/cache"]
USER voxcpm
# HEALTHCHECK: to come with the operations work of issue 10 (a probe the JRE image can run).
# SIP (udp+tcp), MRCPv2, RTP (the compose file narrows the range to what it publishes).
EXPOSE 8060/udp 8060/tcp 1544/tcp 5000-6000/udp
ENTRYPOINT ["java", "-XX:+UseZGC", "-Xms512m", "-Xmx2g", "-jar", "voxcpm-app/target/voxcpm-mrcp.jar"]
CMD ["serve"]
