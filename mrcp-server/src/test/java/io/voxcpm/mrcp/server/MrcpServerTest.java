package io.voxcpm.mrcp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.message.MrcpEncoder;
import io.voxcpm.mrcp.message.MrcpEvent;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpMethodNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.mrcp.message.RequestState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MrcpServerTest {

    private final MrcpChannelRegistry registry = new MrcpChannelRegistry();
    private final ExecutorService engine = Executors.newSingleThreadExecutor();
    private MrcpServer server;

    /**
     * Answers SPEAK like a synthesizer (IN-PROGRESS now, SPEAK-COMPLETE later from another thread) and
     * everything else with 200 COMPLETE; remembers what it saw.
     */
    private final class Synth implements MrcpResource {
        final List<MrcpRequest> requests = new CopyOnWriteArrayList<>();
        final List<MrcpConnection> from = new CopyOnWriteArrayList<>();
        final AtomicInteger connectionsClosed = new AtomicInteger();

        @Override
        public void onRequest(MrcpRequest request, MrcpConnection connection) {
            requests.add(request);
            from.add(connection);
            if (request.method().equals(MrcpMethodNames.SPEAK)) {
                connection.send(MrcpResponse.to(request, 200, RequestState.IN_PROGRESS));
                engine.execute(() -> connection.send(new MrcpEvent(MrcpMethodNames.SPEAK_COMPLETE,
                        request.requestId(), RequestState.COMPLETE, MrcpHeaders.ofChannel(request.channelId())
                        .toBuilder().add(MrcpHeaderNames.COMPLETION_CAUSE, CompletionCause.NORMAL.headerValue())
                        .build())));
            } else {
                connection.send(MrcpResponse.to(request, 200, RequestState.COMPLETE));
            }
        }

        @Override
        public void onConnectionClosed(MrcpConnection connection) {
            connectionsClosed.incrementAndGet();
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = startServer(Duration.ofSeconds(600));
    }

    private MrcpServer startServer(Duration idle) throws IOException {
        return MrcpServer.builder(registry)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .inactivityTimeout(idle)
                .start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        engine.shutdown();
        assertThat(engine.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        server.close();
    }

    private static MrcpRequest request(String method, long id, String channel) {
        return new MrcpRequest(method, id, MrcpHeaders.ofChannel(channel));
    }

    @Test
    void aTaskRunOnEachLoopRunsOnceOnEveryLoopThreadBeforeItReturns() {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger runs = new AtomicInteger();
        server.runOnEachLoop(() -> {
            threads.add(Thread.currentThread().getName());
            runs.incrementAndGet();
        });
        int loops = Math.min(4, Runtime.getRuntime().availableProcessors());
        assertThat(runs).hasValue(loops);
        assertThat(threads).hasSize(loops);
    }

    @Test
    void manyChannelsShareOneConnection() throws IOException {
        List<Synth> synths = new ArrayList<>();
        List<MrcpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Synth synth = new Synth();
            synths.add(synth);
            String channel = String.format("%016x@speechsynth", 0xabc000L + i);
            registry.register(channel, synth);
            requests.add(request(MrcpMethodNames.STOP, 100 + i, channel));
        }
        try (TestClient client = new TestClient(server.port())) {
            client.send(requests.toArray(new MrcpRequest[0])); // one burst: coalesced by TCP
            for (MrcpRequest sent : requests) {
                MrcpResponse response = client.receiveResponse();
                assertThat(response.requestId()).isEqualTo(sent.requestId());
                assertThat(response.channelId()).isEqualTo(sent.channelId());
                assertThat(response.statusCode()).isEqualTo(200);
            }
        }
        for (int i = 0; i < synths.size(); i++) {
            assertThat(synths.get(i).requests).containsExactly(requests.get(i));
        }
    }

    @Test
    void speakGetsInProgressThenAnEventSentFromAnotherThread() throws IOException {
        Synth synth = new Synth();
        registry.register("s1@speechsynth", synth);
        try (TestClient client = new TestClient(server.port())) {
            client.send(MrcpRequest.withText("SPEAK", 1, MrcpHeaders.ofChannel("s1@speechsynth"), "Hallo"));
            MrcpResponse response = client.receiveResponse();
            assertThat(response.state()).isEqualTo(RequestState.IN_PROGRESS);
            MrcpEvent complete = (MrcpEvent) client.receive();
            assertThat(complete.eventName()).isEqualTo("SPEAK-COMPLETE");
            assertThat(complete.requestId()).isEqualTo(1);
            assertThat(complete.headers().get("completion-cause")).isEqualTo("000 normal");
        }
        assertThat(synth.requests.get(0).content().text()).isEqualTo("Hallo");
    }

    @Test
    void aChannelMayBeUsedFromASecondConnection() throws IOException {
        Synth synth = new Synth();
        registry.register("shared@speechsynth", synth);
        TestClient first = new TestClient(server.port());
        TestClient second = new TestClient(server.port());
        try {
            first.send(request("STOP", 1, "shared@speechsynth"));
            assertThat(first.receiveResponse().requestId()).isEqualTo(1);
            second.send(request("STOP", 2, "shared@speechsynth"));
            assertThat(second.receiveResponse().requestId()).isEqualTo(2);
            assertThat(synth.from.get(0)).isNotSameAs(synth.from.get(1));
            assertThat(registry.connectionOf("shared@speechsynth")).containsSame(synth.from.get(1));

            // the channel now lives on the second connection: losing the first is no news to it
            first.close();
            await().until(() -> !synth.from.get(0).isOpen());
            assertThat(synth.connectionsClosed).hasValue(0);
            assertThat(second.closedByServer(300)).isFalse();
        } finally {
            first.close();
            second.close();
        }
        await().until(() -> synth.connectionsClosed.get() == 1);
    }

    @Test
    void unknownChannelIs405EchoingTheIdentifierExactly() throws IOException {
        registry.register("abc@speechsynth", new Synth());
        try (TestClient client = new TestClient(server.port())) {
            client.send(request("SPEAK", 5, "ABC@speechsynth")); // identifiers are case-sensitive
            MrcpResponse response = client.receiveResponse();
            assertThat(response.statusCode()).isEqualTo(MrcpStatus.RESOURCE_NOT_ALLOCATED);
            assertThat(response.requestId()).isEqualTo(5);
            assertThat(response.state()).isEqualTo(RequestState.COMPLETE);
            assertThat(response.channelId()).isEqualTo("ABC@speechsynth");

            client.send(request("STOP", 6, "abc@speechsynth"));
            assertThat(client.receiveResponse().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void malformedRequestIsAnsweredAndTheConnectionStaysUsable() throws IOException {
        registry.register("m@speechsynth", new Synth());
        try (TestClient client = new TestClient(server.port())) {
            client.sendRaw("MRCP/2.0 40 SPEAK 7\r\nContent-Length: 3\r\n\r\nabc");
            MrcpResponse missing = client.receiveResponse();
            assertThat(missing.requestId()).isEqualTo(7);
            assertThat(missing.statusCode()).isEqualTo(MrcpStatus.MANDATORY_HEADER_MISSING);

            client.sendRaw("MRCP/2.0 70 STOP 8\r\nChannel-Identifier: m@speechsynth\r\nbroken line\r\n\r\n");
            MrcpResponse unrecognized = client.receiveResponse();
            assertThat(unrecognized.statusCode()).isEqualTo(MrcpStatus.UNRECOGNIZED_MESSAGE);
            assertThat(unrecognized.channelId()).isEqualTo("m@speechsynth");

            client.send(request("STOP", 9, "m@speechsynth"));
            assertThat(client.receiveResponse().requestId()).isEqualTo(9);
        }
    }

    @Test
    void garbageClosesOnlyThatConnection() throws IOException {
        registry.register("g@speechsynth", new Synth());
        try (TestClient good = new TestClient(server.port()); TestClient bad = new TestClient(server.port())) {
            good.send(request("STOP", 1, "g@speechsynth"));
            good.receiveResponse();
            bad.sendRaw("GET / HTTP/1.1\r\nHost: example\r\n\r\n");
            assertThat(bad.closedByServer()).isTrue();
            good.send(request("STOP", 2, "g@speechsynth"));
            assertThat(good.receiveResponse().requestId()).isEqualTo(2);
        }
    }

    @Test
    void splitAndMergedWritesAreReassembled() throws IOException {
        registry.register("sp@speechsynth", new Synth());
        byte[] speak = MrcpEncoder.encode(MrcpRequest.withText("SPEAK", 1, MrcpHeaders.ofChannel("sp@speechsynth"),
                "Grüße aus Köln, 中国人当自强"));
        byte[] stop = MrcpEncoder.encode(request("STOP", 2, "sp@speechsynth"));
        try (TestClient client = new TestClient(server.port())) {
            for (byte b : speak) {
                client.sendRaw(new byte[] {b});
            }
            assertThat(client.receiveResponse().state()).isEqualTo(RequestState.IN_PROGRESS);
            assertThat(((MrcpEvent) client.receive()).requestId()).isEqualTo(1);

            byte[] merged = new byte[stop.length * 2];
            System.arraycopy(stop, 0, merged, 0, stop.length);
            System.arraycopy(MrcpEncoder.encode(request("STOP", 3, "sp@speechsynth")), 0, merged, stop.length,
                    stop.length);
            client.sendRaw(merged);
            assertThat(client.receiveResponse().requestId()).isEqualTo(2);
            assertThat(client.receiveResponse().requestId()).isEqualTo(3);
        }
    }

    @Test
    void aFailingResourceIsAnswered407AndTheConnectionSurvives() throws IOException {
        registry.register("boom@speechsynth", (request, connection) -> {
            throw new IllegalStateException("engine exploded");
        });
        registry.register("fine@speechsynth", new Synth());
        try (TestClient client = new TestClient(server.port())) {
            client.send(request("SPEAK", 1, "boom@speechsynth"));
            MrcpResponse failed = client.receiveResponse();
            assertThat(failed.statusCode()).isEqualTo(MrcpStatus.METHOD_FAILED);
            assertThat(failed.channelId()).isEqualTo("boom@speechsynth");
            client.send(request("STOP", 2, "fine@speechsynth"));
            assertThat(client.receiveResponse().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void closeListenersAndConnectionPresenceFollowTheSocket() throws IOException {
        List<MrcpConnection> closed = new CopyOnWriteArrayList<>();
        registry.register("cl@speechsynth", (request, connection) -> {
            connection.addCloseListener(() -> closed.add(connection));
            connection.send(MrcpResponse.to(request, 200, RequestState.COMPLETE));
        });
        InetAddress loopback = InetAddress.getLoopbackAddress();
        assertThat(registry.hasConnectionFrom(loopback)).isFalse();
        TestClient client = new TestClient(server.port());
        client.send(request("STOP", 1, "cl@speechsynth"));
        client.receiveResponse();
        assertThat(registry.hasConnectionFrom(loopback)).isTrue();
        assertThat(registry.connectionOf("cl@speechsynth").orElseThrow().remoteAddress().getPort())
                .isPositive();
        client.close();
        await().until(() -> closed.size() == 1);
        assertThat(closed.get(0).isOpen()).isFalse();
        await().until(() -> !registry.hasConnectionFrom(loopback));
        assertThat(registry.unregister("cl@speechsynth")).isTrue();
        assertThat(registry.unregister("cl@speechsynth")).isFalse();
    }

    @Test
    void idleConnectionsCloseUnlessTheyCarryALiveChannel() throws IOException {
        server.close();
        server = startServer(Duration.ofMillis(200));
        registry.register("live@speechsynth", new Synth());
        try (TestClient idle = new TestClient(server.port()); TestClient carrying = new TestClient(server.port())) {
            carrying.send(request("STOP", 1, "live@speechsynth"));
            carrying.receiveResponse();
            assertThat(idle.closedByServer()).isTrue();
            // several idle periods have passed while idle waited for EOF; the channel's connection is still served
            carrying.send(request("STOP", 2, "live@speechsynth"));
            assertThat(carrying.receiveResponse().requestId()).isEqualTo(2);
        }
    }

    @Test
    void registeringATakenIdentifierFails() {
        registry.register("dup@speechsynth", new Synth());
        org.assertj.core.api.Assertions.assertThatIllegalStateException()
                .isThrownBy(() -> registry.register("dup@speechsynth", new Synth()));
    }
}
