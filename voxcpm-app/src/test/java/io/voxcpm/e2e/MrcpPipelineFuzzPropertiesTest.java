package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated bytes through the whole server: MRCP TCP connection, decoder, routing, a live
 * synthesizer channel. Every input is either answered with well-formed responses (2xx for what parsed,
 * 4xx/5xx for what did not) or the connection is closed; nothing escapes to Netty, and afterwards the
 * session still works and nothing is left behind.
 */
class MrcpPipelineFuzzPropertiesTest {

    private static final Pattern RESPONSE = Pattern.compile("MRCP/2\\.0 (\\d+) (\\d+) (\\d{3}) (COMPLETE|IN-PROGRESS|PENDING)");
    private static final Pattern EVENT = Pattern.compile("MRCP/2\\.0 (\\d+) (SPEAK-COMPLETE|SPEECH-MARKER) (\\d+) "
            + "(COMPLETE|IN-PROGRESS)");
    private static final List<String> METHODS = List.of("SPEAK", "STOP", "PAUSE", "RESUME", "BARGE-IN-OCCURRED",
            "CONTROL", "DEFINE-LEXICON", "SET-PARAMS", "GET-PARAMS", "RECOGNIZE", "speak");

    private static VoxcpmMrcpServer server;
    private static UniMrcpClientSim call;
    private static int exceptionMark;

    @BeforeContainer
    static void start() throws Exception {
        exceptionMark = LeakReports.exceptionMark();
        // a long termination timeout: every fuzzing connection closes, which would otherwise end the session
        server = VoxcpmMrcpServer.start(Pbx.config(35000, new SynthConfig(20, 20, false, 4),
                new MrcpConfig(0, 600, 600_000, 2048, 4096, 100)), new ScriptedStandInEngine());
        call = Pbx.call(server);
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            // the channel survived everything: a full SPEAK still works on a fresh connection
            call.closeMrcp();
            call.connectMrcp();
            // fuzzed PAUSEs may have left a SPEAK paused with a full queue behind it
            assertThat(Pbx.status(Pbx.send(call, "STOP", 424241, java.util.Map.of()))).isEqualTo(200);
            // (an empty Lexicon-Search-Order overrides a fuzzed session default naming an undefined lexicon)
            assertThat(Pbx.speak(call, 424242, Pbx.headers("Lexicon-Search-Order", ""), "text/plain",
                    "[[seconds=0.1]] still alive").startLine()).endsWith("IN-PROGRESS");
            assertThat(Pbx.next(call).header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(call.sendBye()).startsWith("SIP/2.0 200");
            call.close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.usage())
                    .isEqualTo(new VoxcpmMrcpServer.Usage(0, 0, 0, 0, 0, 0)));
            assertThat(LeakReports.unexpectedExceptionsSince(exceptionMark)).isEmpty();
        } finally {
            server.close();
        }
    }

    @Provide
    Arbitrary<String> requests() {
        Arbitrary<String> method = Arbitraries.of(METHODS);
        Arbitrary<String> header = Arbitraries.of("Voice-Age: 30", "Voice-Age: x", "Kill-On-Barge-In: false",
                "Jump-Size: +1 Second", "Jump-Size: -2 Word", "Speak-Restart: true", "Active-Request-Id-List: 1,2",
                "Prosody-Rate: fast", "Speech-Language: en-US", "Content-Id: lex", "Load-Lexicon: false",
                "Vendor-Specific-Parameters: a=b;speech-markers=true", "Lexicon-Search-Order: <session:lex>",
                "Content-Type: application/ssml+xml", "Content-Type: text/plain", "Content-Type: application/pls+xml",
                "Content-Type: text/uri-list", "X-Unknown: 1");
        Arbitrary<String> body = Arbitraries.of("", "[[seconds=0.05 speed=50]] hi", "<speak>unclosed",
                "<speak xmlns=\"http://www.w3.org/2001/10/synthesis\"><mark name=\"m\"/>[[seconds=0.05]] x</speak>",
                "<lexicon version=\"1.0\"/>", "http://example.com/x.wav", "Grüße aus Köln 中国");
        return net.jqwik.api.Combinators.combine(method, Arbitraries.longs().between(1, 99_999), header.list()
                .ofMaxSize(4), body).as((m, id, headers, b) -> request(m, id, headers, b));
    }

    @Provide
    Arbitrary<List<String>> requestLists() {
        return requests().list().ofMinSize(1).ofMaxSize(5);
    }

    private static String request(String method, long id, List<String> headers, String body) {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(" " + method + " " + id + "\r\nChannel-Identifier: " + call.channelId()
                + "\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        if (bodyBytes.length > 0) {
            head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        head.append("\r\n").append(body);
        int rest = head.toString().getBytes(StandardCharsets.UTF_8).length + "MRCP/2.0".length();
        int length = rest + 1;
        while (length != rest + String.valueOf(length).length()) {
            length = rest + String.valueOf(length).length();
        }
        return "MRCP/2.0 " + length + head;
    }

    @Property(tries = 100)
    void wellFormedRequestsInAnyOrderAreAnsweredProperly(@ForAll("requestLists") List<String> in)
            throws IOException {
        Exchange out = exchange(String.join("", in).getBytes(StandardCharsets.UTF_8));
        assertThat(out.sentinelAnswered()).as("the sentinel after them was answered: " + out.starts()).isTrue();
        assertThat(out.starts()).allSatisfy(MrcpPipelineFuzzPropertiesTest::wellFormed);
        long responses = out.starts().stream().filter(s -> RESPONSE.matcher(s).matches()).count();
        assertThat(responses).as("exactly one response per request, and one for the sentinel")
                .isEqualTo(in.size() + 1);
    }

    @Property(tries = 200)
    void mutatedRequestsAreAnsweredWith4xxOrClosed(@ForAll("requestLists") List<String> in,
                                                   @ForAll long seed) throws IOException {
        Random random = new Random(seed);
        byte[] bytes = String.join("", in).getBytes(StandardCharsets.UTF_8);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(bytes.length);
            bytes[at] = switch (random.nextInt(3)) {
                case 0 -> (byte) random.nextInt(256);
                case 1 -> (byte) "\r\n: 0123456789-".charAt(random.nextInt(15));
                default -> 0;
            };
        }
        answeredOrClosed(exchange(bytes));
    }

    @Property(tries = 100)
    void randomBytesAreRefusedOrClosed(@ForAll @Size(max = 3000) byte[] noise, @ForAll boolean withPrefix)
            throws IOException {
        byte[] prefix = "MRCP/2.0 ".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = noise;
        if (withPrefix) {
            bytes = new byte[prefix.length + noise.length];
            System.arraycopy(prefix, 0, bytes, 0, prefix.length);
            System.arraycopy(noise, 0, bytes, prefix.length, noise.length);
        }
        answeredOrClosed(exchange(bytes));
    }

    /** Damaged input is answered (the sentinel after it too) or the connection is closed: never silence. */
    private static void answeredOrClosed(Exchange out) {
        out.starts().forEach(MrcpPipelineFuzzPropertiesTest::wellFormed);
        assertThat(out.sentinelAnswered() || out.closedByServer())
                .as("the server answered the sentinel or closed the connection: " + out.starts()).isTrue();
    }

    private static void wellFormed(String startLine) {
        Matcher response = RESPONSE.matcher(startLine);
        if (response.matches()) {
            int status = Integer.parseInt(response.group(3));
            assertThat(status).as(startLine).isIn(200, 401, 402, 403, 404, 405, 406, 407, 408, 409, 501, 502, 504);
            return;
        }
        assertThat(EVENT.matcher(startLine).matches()).as("an event: " + startLine).isTrue();
    }

    /**
     * What came back: the start line of every message, whether the sentinel STOP was answered, and whether the
     * server closed (or reset) the connection; neither of the last two means it answered nothing.
     */
    private record Exchange(List<String> starts, boolean sentinelAnswered, boolean closedByServer) { }

    /**
     * Sends the bytes and a sentinel STOP; reads until the sentinel is answered (then half-closes and reads
     * the rest) or the server closes. When the server goes quiet instead (a body it still waits for swallows
     * the sentinel), the client half-closes and the server must close in turn.
     */
    private static Exchange exchange(byte[] bytes) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.mrcpPort())) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.write(request("STOP", 999_999, List.of(), "").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedEarly) {
                return new Exchange(List.of(), false, true);
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            boolean closed = read(socket, all);
            boolean answered = all.toString(StandardCharsets.UTF_8).contains(" 999999 200 COMPLETE");
            if (!closed) {
                socket.shutdownOutput();
                socket.setSoTimeout(answered ? 300 : 3000);
                closed = read(socket, all);
            }
            List<String> starts = all.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("MRCP/"))
                    .toList();
            return new Exchange(starts, answered, closed);
        }
    }

    /** Reads into {@code all} until the sentinel's answer, a close (true), or a timeout. */
    private static boolean read(Socket socket, ByteArrayOutputStream all) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
                all.write(buf, 0, n);
                if (!socket.isOutputShutdown() && all.toString(StandardCharsets.UTF_8).contains(" 999999 200 COMPLETE")) {
                    return false;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset by the server
        }
    }

}
