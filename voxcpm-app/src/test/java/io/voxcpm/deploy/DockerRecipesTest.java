package io.voxcpm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The container recipes checked against each other, since no Docker engine runs here: the faults this
 * catches (a CANN release paired with the wrong torch_npu, an unpinned package, the server gated on a
 * worker health check, state inside a container) are the ones that made the first images unusable.
 */
class DockerRecipesTest {

    /**
     * Rows of Ascend's torch_npu compatibility table (torch_npu package version to CANN release), the
     * releases around the one the image uses. A pair not listed here is not an official one.
     */
    private static final Map<String, String> TORCH_NPU_TO_CANN = Map.of(
            "2.8.0", "8.3.rc1", "2.7.1", "8.3.rc1", "2.6.0.post3", "8.3.rc1", "2.1.0.post17", "8.3.rc1",
            "2.6.0", "8.2.rc1", "2.5.1.post1", "8.2.rc1", "2.1.0.post13", "8.2.rc1",
            "2.9.0", "8.5.0", "2.8.0.post2", "8.5.0", "2.7.1.post2", "8.5.0");

    private static final Path DOCKER = RepoFiles.root().resolve("docker");

    @Test
    void ascendBaseImageAndTorchNpuAreAnOfficialPair() throws IOException {
        Map<String, String> pins = pins();
        Matcher image = Pattern.compile("(?m)^ARG CANN_IMAGE=quay\\.io/ascend/cann:([0-9a-z.]+)-910b-ubuntu22\\.04-py3\\.11$")
                .matcher(read("worker-ascend.Dockerfile"));
        assertThat(image.find()).as("worker-ascend.Dockerfile's CANN_IMAGE").isTrue();
        String cann = image.group(1);

        assertThat(TORCH_NPU_TO_CANN).as("torch-npu " + pins.get("torch-npu") + " in the torch_npu table")
                .containsEntry(pins.get("torch-npu"), cann);
        assertThat(pins.get("torch-npu")).as("torch_npu is built for one torch").startsWith(pins.get("torch"));
        assertThat(pins.get("torchaudio")).as("torchaudio follows torch").isEqualTo(pins.get("torch"));
        assertThat(read("README.md")).as("docker/README.md names the CANN release and the pair")
                .contains("CANN " + cann.toUpperCase(Locale.ROOT)).contains("HDK 25.3.RC1")
                .contains("torch / torch_npu | " + pins.get("torch") + " (CPU wheel) / " + pins.get("torch-npu"));
    }

    @Test
    void everyPythonPackageIsPinnedAndNumpyStaysBelow2() throws IOException {
        Map<String, String> pins = pins();
        for (String line : read("worker-requirements.txt").lines().toList()) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                assertThat(pins).as("worker-constraints.txt pins " + name).containsKey(normalise(name));
            }
        }
        assertThat(pins).containsKeys("voxcpm", "torch", "protobuf", "grpcio-tools");
        assertThat(Integer.parseInt(pins.get("numpy").split("\\.")[0])).as("numpy major (CANN needs 1.x)").isLessThan(2);
        assertThat(pins.get("grpcio")).as("grpcio and grpcio-tools from one release").isEqualTo(pins.get("grpcio-tools"));
        for (String dockerfile : List.of("worker-ascend.Dockerfile", "worker-cuda.Dockerfile")) {
            String text = read(dockerfile);
            assertThat(text).as(dockerfile + " installs under the constraints")
                    .contains("-c worker-constraints.txt").contains("--no-deps voxcpm")
                    .doesNotContain("pip install \"").doesNotContainPattern("==\\$\\{");
        }
    }

    @Test
    void workerImagesRunTiniAndTheBashEntrypoint() throws IOException {
        for (String dockerfile : List.of("worker-ascend.Dockerfile", "worker-cuda.Dockerfile")) {
            assertThat(read(dockerfile)).as(dockerfile)
                    .containsPattern("apt-get install [^\\n]*\\btini\\b")
                    .contains("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/usr/local/bin/voxcpm-worker\"]");
        }
        assertThat(read("worker-entrypoint.sh")).startsWith("#!/bin/bash\n");
    }

    @Test
    void serverImageIsAJreRunAsAnUnprivilegedUser() throws IOException {
        String text = read("server.Dockerfile");
        String runtime = text.substring(text.lastIndexOf("\nFROM "));
        assertThat(runtime).startsWith("\nFROM eclipse-temurin:17-jre\n");
        Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(runtime);
        assertThat(user.find()).as("a USER line in the runtime stage").isTrue();
        assertThat(user.group(1)).isNotIn("root", "0");
        assertThat(runtime).contains("VOLUME [\"/opt/voxcpm-mrcp/data/voices\", \"/opt/voxcpm-mrcp/data/cache\"]");
    }

    @Test
    void composeStartsTheServerWithoutWaitingAndKeepsStateOnVolumes() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(read("docker-compose.yml"));
        JsonNode server = compose.path("services").path("server");
        JsonNode worker = compose.path("services").path("worker");

        assertThat(server.path("depends_on").path("worker").path("condition").asText()).isEqualTo("service_started");
        assertThat(mounts(server)).contains("server-voices:/opt/voxcpm-mrcp/data/voices",
                "server-cache:/opt/voxcpm-mrcp/data/cache");
        assertThat(mounts(worker)).contains("compile-cache:/var/cache/voxcpm", "voices:/voices");
        assertThat(worker.has("init")).as("tini is in the image; a second init only adds a process").isFalse();
        assertThat(server.path("ulimits").path("rtprio").asInt())
                .as("the non-root server may put its media clock in SCHED_FIFO at the default priority")
                .isGreaterThanOrEqualTo(io.voxcpm.server.RtpConfig.DEFAULTS.realtimePriorityOrDefault());
        assertThat(compose.path("volumes").fieldNames()).toIterable()
                .contains("voices", "compile-cache", "server-voices", "server-cache");
        assertThat(read("worker-ascend.Dockerfile")).contains("ASCEND_CACHE_PATH=/var/cache/voxcpm/");
        assertThat(read("worker-cuda.Dockerfile")).contains("TORCHINDUCTOR_CACHE_DIR=/var/cache/voxcpm/")
                .contains("TRITON_CACHE_DIR=/var/cache/voxcpm/");
        assertThat(read("docker-compose.cuda.yml")).contains("- compile-cache:/var/cache/voxcpm");
    }

    private static List<String> mounts(JsonNode service) {
        return StreamSupport.stream(service.path("volumes").spliterator(), false).map(JsonNode::asText).toList();
    }

    /** name -> version of every {@code name==version} line of worker-constraints.txt. */
    private static Map<String, String> pins() throws IOException {
        Map<String, String> pins = new LinkedHashMap<>();
        for (String line : read("worker-constraints.txt").lines().toList()) {
            String content = line.replaceFirst("#.*", "").strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] parts = content.split("==", 2);
            assertThat(parts).as("an exact pin: " + line).hasSize(2);
            assertThat(pins.put(normalise(parts[0].strip()), parts[1].strip())).as("pinned once: " + line).isNull();
        }
        return pins;
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String read(String name) throws IOException {
        return Files.readString(DOCKER.resolve(name));
    }
}
