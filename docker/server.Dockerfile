# The voxcpm-mrcp server (Java). Build from the repository root:
#   docker build -f docker/server.Dockerfile -t voxcpm-mrcp .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl mrcp-server -am package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /opt/voxcpm-mrcp
COPY --from=build /src/mrcp-server/target/voxcpm-mrcp.jar mrcp-server/target/voxcpm-mrcp.jar
# SIP (udp+tcp), MRCPv2, RTP (the compose file narrows the range to what it publishes).
EXPOSE 8060/udp 8060/tcp 1544/tcp 5000-6000/udp
ENTRYPOINT ["java", "-XX:+UseZGC", "-Xms512m", "-Xmx2g", "-jar", "mrcp-server/target/voxcpm-mrcp.jar"]
CMD ["serve"]
