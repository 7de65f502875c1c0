package io.voxcpm.mrcp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The protocol stack is a library that takes an engine; it must not grow a way back to the application
 * (config, wiring, CLI) or to the worker transport. Maven enforces the module graph only while nobody
 * adds a dependency, so the classpath this module's tests see is checked here: a class that loads means
 * the boundary has been crossed.
 */
class ModuleBoundaryTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "io.grpc.ManagedChannel",              // gRPC: only the worker bridge talks it
            "io.voxcpm.bridge.WorkerEngine",       // npu-bridge
            "io.voxcpm.server.ServerConfig",       // voxcpm-app: configuration
            "io.voxcpm.server.VoxcpmMrcpServer",   // voxcpm-app: engine wiring
            "io.voxcpm.cli.SayCommand",            // voxcpm-app: command line
            "picocli.CommandLine",
            "com.fasterxml.jackson.dataformat.yaml.YAMLFactory"})
    void theProtocolStackCannotSeeTheApplicationOrTheWorkerTransport(String className) {
        assertThatThrownBy(() -> Class.forName(className, false, getClass().getClassLoader()))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
