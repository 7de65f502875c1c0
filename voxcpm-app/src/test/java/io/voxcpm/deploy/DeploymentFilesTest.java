package io.voxcpm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.voxcpm.ops.DrainConfig;
import io.voxcpm.ops.HttpConfig;
import io.voxcpm.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files (Kubernetes, compose, Kamailio, systemd) checked against the code they deploy, since no
 * cluster or PBX runs here: every file parses, the ports and paths are the ones the configuration uses, the
 * worker pool's DNS name is the headless Service's, the drain fits in every grace period. HealthProbesTest runs
 * the probes themselves against a real management port.
 */
class DeploymentFilesTest {

    private static final Path ROOT = RepoFiles.root();
    private static final Path K8S = ROOT.resolve("deploy/kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    /** Every document of every manifest, by kind/name. */
    private static Map<String, JsonNode> manifests() throws IOException {
        Map<String, JsonNode> all = new HashMap<>();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                if (f.getFileName().toString().equals("kustomization.yaml")) {
                    continue;
                }
                List<JsonNode> docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(f)).readAll();
                for (JsonNode doc : docs) {
                    assertThat(doc.path("kind").asText()).as(f + " has a kind").isNotEmpty();
                    all.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
                }
            }
        }
        return all;
    }

    @Test
    void theKustomizationListsEveryManifestAndEachParses() throws IOException {
        JsonNode kustomization = YAML.readTree(K8S.resolve("kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(K8S)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml"))).containsExactlyInAnyOrderElementsOf(listed);
        }
        assertThat(manifests()).containsKeys("Deployment/voxcpm-mrcp", "StatefulSet/voxcpm-worker",
                "Service/voxcpm-worker", "Service/voxcpm-mrcp-http", "ConfigMap/voxcpm-mrcp-config",
                "PodMonitor/voxcpm-mrcp", "ServiceMonitor/voxcpm-mrcp", "Namespace/voxcpm");
    }

    @Test
    void theServerDeploymentMatchesItsConfiguration() throws Exception {
        Map<String, JsonNode> all = manifests();
        JsonNode deployment = all.get("Deployment/voxcpm-mrcp");
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        ServerConfig cfg = configMapConfig(all);

        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsEntry("sip-udp", cfg.sip().port()).containsEntry("sip-tcp", cfg.sip().port())
                .containsEntry("mrcp", cfg.mrcp().port()).containsEntry("http", cfg.http().port());
        assertThat(cfg.http().port()).isEqualTo(HttpConfig.DEFAULT_PORT);
        assertThat(cfg.sip().port()).isEqualTo(ServerConfig.DEFAULTS.sip().port());
        assertThat(cfg.mrcp().port()).isEqualTo(ServerConfig.DEFAULTS.mrcp().port());

        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo(HealthProbesTest.READY);
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo(HealthProbesTest.LIVE);
        assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
        assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");

        // the drain ends (and the engine closes) before the kubelet's SIGKILL
        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThan(cfg.drain().timeoutS() + 5);
        assertThat(container.at("/lifecycle/preStop/exec/command").toString()).contains("kill -TERM 1");
        assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
        assertThat(pod.path("dnsPolicy").asText()).as("cluster DNS from the host network")
                .isEqualTo("ClusterFirstWithHostNet");

        Map<String, String> mounts = new HashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        assertThat(mounts).containsKeys(cfg.voices().dir(), cfg.cache().dir());
        assertThat(Path.of(cfg.admin().tokenFile()).getParent().toString()).isIn(mounts.keySet());
        assertThat(env(container)).containsEntry("VOXCPM_ADMIN_TOKEN_FILE", cfg.admin().tokenFile());
        assertThat(container.path("args").toString()).contains("/etc/voxcpm-mrcp/voxcpm-mrcp.yaml");
        assertThat(mounts).containsKey("/etc/voxcpm-mrcp/voxcpm-mrcp.yaml");
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
    }

    @Test
    void theWorkerPoolFollowsTheHeadlessServiceOfTheWorkerStatefulSet() throws Exception {
        Map<String, JsonNode> all = manifests();
        ServerConfig cfg = configMapConfig(all);
        JsonNode service = all.get("Service/voxcpm-worker");
        JsonNode set = all.get("StatefulSet/voxcpm-worker");
        assertThat(service.at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(set.at("/spec/serviceName").asText()).isEqualTo("voxcpm-worker");
        assertThat(service.at("/spec/selector")).isEqualTo(set.at("/spec/template/metadata/labels"));
        String dnsName = "dns:///" + service.at("/metadata/name").asText() + "." + service.at("/metadata/namespace").asText()
                + ".svc.cluster.local:" + service.at("/spec/ports/0/port").asInt();
        assertThat(cfg.engine().kind()).isEqualTo("worker");
        assertThat(cfg.engine().workers()).containsExactly(dnsName);

        JsonNode worker = set.at("/spec/template/spec/containers/0");
        assertThat(worker.at("/ports/0/containerPort").asInt()).isEqualTo(service.at("/spec/ports/0/port").asInt());
        assertThat(worker.path("args").toString()).contains("0.0.0.0:" + service.at("/spec/ports/0/port").asInt());
        assertThat(worker.at("/resources/limits").path("huawei.com/Ascend910").asInt()).as("one NPU per worker")
                .isEqualTo(1);
        // every option the manifest passes is one the worker knows
        String workerSource = workerSources();
        Matcher option = Pattern.compile("\"(--[a-z-]+)\"").matcher(worker.path("args").toString());
        while (option.find()) {
            assertThat(workerSource).as("the worker accepts " + option.group(1)).contains("\"" + option.group(1) + "\"");
        }
        assertThat(worker.at("/readinessProbe/exec/command").toString()).contains("voxcpm_worker.probe");
        assertThat(ROOT.resolve("npu-bridge/worker/voxcpm_worker/probe.py")).as("the worker's probe module").exists();
    }

    @Test
    void monitorsScrapeTheManagementPortOfTheServerPods() throws Exception {
        Map<String, JsonNode> all = manifests();
        JsonNode labels = all.get("Deployment/voxcpm-mrcp").at("/spec/template/metadata/labels");
        JsonNode pods = all.get("PodMonitor/voxcpm-mrcp");
        assertThat(pods.at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(pods.at("/spec/podMetricsEndpoints/0/port").asText()).isEqualTo("http");
        assertThat(pods.at("/spec/podMetricsEndpoints/0/path").asText()).isEqualTo("/metrics");
        JsonNode service = all.get("Service/voxcpm-mrcp-http");
        assertThat(service.at("/spec/selector")).isEqualTo(labels);
        JsonNode monitor = all.get("ServiceMonitor/voxcpm-mrcp");
        assertThat(monitor.at("/spec/selector/matchLabels")).isEqualTo(service.at("/metadata/labels"));
        assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo(service.at("/spec/ports/0/name").asText());
    }

    @Test
    void composeServesTheManagementPortAndTheFreeswitchVariantUsesTheShippedProfile() throws Exception {
        JsonNode compose = YAML.readTree(ROOT.resolve("docker/docker-compose.yml").toFile());
        JsonNode server = compose.at("/services/server");
        assertThat(server.path("ports").toString()).contains(":" + HttpConfig.DEFAULT_PORT + ":8090/tcp");
        assertThat(server.path("mem_limit").asText()).isNotEmpty();
        String dockerfile = Files.readString(ROOT.resolve("docker/server.Dockerfile"));
        assertThat(dockerfile).contains("EXPOSE 8060/udp 8060/tcp 1544/tcp 8090/tcp").contains("HEALTHCHECK ")
                .contains("MaxRAMPercentage").contains("-XX:+UseZGC");

        JsonNode fs = YAML.readTree(ROOT.resolve("docker/docker-compose.freeswitch.yml").toFile());
        JsonNode freeswitch = fs.at("/services/freeswitch");
        assertThat(freeswitch.path("network_mode").asText()).isEqualTo("service:server");
        assertThat(freeswitch.at("/depends_on/server/condition").asText()).isEqualTo("service_healthy");
        for (JsonNode volume : freeswitch.path("volumes")) {
            String host = volume.asText().split(":")[0];
            assertThat(ROOT.resolve("docker").resolve(host).normalize()).as(volume.asText()).isRegularFile();
        }
        assertThat(freeswitch.path("volumes").toString()).contains("dialplans/freeswitch/mrcp_profiles/voxcpm.xml");
        // sharing the server's network namespace, the shipped profile's 127.0.0.1:8060 is the server
        String profile = Files.readString(ROOT.resolve("dialplans/freeswitch/mrcp_profiles/voxcpm.xml"));
        assertThat(profile).contains("<param name=\"server-ip\" value=\"127.0.0.1\"/>")
                .contains("<param name=\"server-port\" value=\"" + ServerConfig.DEFAULTS.sip().port() + "\"/>");
    }

    @Test
    void kamailioProbesEveryServerWithOptionsAndFailsOver() throws IOException {
        String cfg = Files.readString(ROOT.resolve("deploy/kamailio/kamailio.cfg"));
        assertThat(cfg).contains("modparam(\"dispatcher\", \"ds_ping_method\", \"OPTIONS\")")
                .contains("modparam(\"dispatcher\", \"ds_probing_mode\", 1)")
                .contains("failure_route[NEXT_SERVER]").contains("t_check_status(\"503|480|408\")")
                .contains("ds_next_dst()").contains("record_route()");
        List<String> destinations = Files.readAllLines(ROOT.resolve("deploy/kamailio/dispatcher.list")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(destinations).hasSizeGreaterThan(1)
                .allMatch(l -> l.matches("1 sip:[0-9.]+:" + ServerConfig.DEFAULTS.sip().port() + ";transport=udp .*"));
    }

    @Test
    void theSystemdUnitStartsTheLauncherAndWaitsForTheDrain() throws IOException {
        String unit = Files.readString(ROOT.resolve("deploy/systemd/voxcpm-mrcp.service"));
        Matcher exec = Pattern.compile("(?m)^ExecStart=/opt/voxcpm-mrcp/(\\S+) serve --config (\\S+)$").matcher(unit);
        assertThat(exec.find()).isTrue();
        assertThat(ROOT.resolve(exec.group(1))).as("the launcher the unit runs").isRegularFile().isExecutable();
        Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
        assertThat(stop.find()).isTrue();
        assertThat(Integer.parseInt(stop.group(1))).isGreaterThan(DrainConfig.DEFAULTS.timeoutS() + 5);
        assertThat(unit).contains("KillSignal=SIGTERM").contains("Environment=VOXCPM_ADMIN_TOKEN_FILE=%d/admin-token")
                .contains("LoadCredential=admin-token:").contains("User=voxcpm").doesNotContain("User=root");
    }

    /** The ConfigMap's voxcpm-mrcp.yaml, loaded as the server loads it (so it is valid). */
    private ServerConfig configMapConfig(Map<String, JsonNode> all) throws Exception {
        Path file = tmp.resolve("voxcpm-mrcp.yaml");
        Files.writeString(file, all.get("ConfigMap/voxcpm-mrcp-config").at("/data/voxcpm-mrcp.yaml").asText());
        return ServerConfig.load(file);
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    private static String workerSources() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(ROOT.resolve("npu-bridge/worker/voxcpm_worker"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".py")).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }
}
