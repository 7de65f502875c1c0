package io.voxcpm.bench.load;

import io.voxcpm.bench.load.SipText.Codec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Many PBXs on one thread: SIP over UDP, MRCPv2 over TCP (several channels per connection when asked),
 * an RTP port bound per session. It keeps no timings: it only drives the calls. What happened when is
 * read from the capture afterwards ({@link WireAnalysis}); a client sharing 2 cores with the server would
 * otherwise measure its own scheduling.
 *
 * <p>The RTP sockets are bound so the kernel does not answer the server with ICMP port-unreachable, but
 * never read: the capture sees every packet before the socket, and reading 150,000 packets a second here
 * would take CPU from the server being measured.
 */
final class LoadClient {

    enum Start { ALL, SPREAD, RAMP }

    record Options(InetSocketAddress sip, int sessions, int channelsPerConnection, Codec codec, int ptimeMs,
                   Start start, double setupPerSecond, double spreadMs, SpeakTexts texts, long timeoutMs, int rtpBase,
                   boolean retry503) { }

    /** What the client saw, by count only. */
    static final class Outcome {
        int established;
        int spoke;
        int completed;
        int speakFailed;
        int byeAnswered;
        int mrcpPort = -1;
        boolean timedOut;
        final Map<Integer, Integer> inviteFinals = new TreeMap<>();
        final List<String> problems = new ArrayList<>();

        void problem(String p) {
            if (problems.size() < 20) {
                problems.add(p);
            }
        }
    }

    private final Options o;
    private final Outcome outcome = new Outcome();
    private final Selector selector;
    private final DatagramChannel sip;
    private final int sipLocalPort;
    private final String requestUri;
    private final Call[] calls;
    private final Map<String, Call> byCallId = new HashMap<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ByteBuffer sipIn = ByteBuffer.allocate(65536);
    private final long startNanos = System.nanoTime();
    private long seqTimer;
    private int settled;
    private int finished;
    private boolean speaking;
    private boolean tearingDown;
    private int callSerial;

    private final class Call {
        final int index;
        final int rtpPort;
        final DatagramChannel rtp;
        String callId;
        String tag;
        String branch;
        String to;
        String remoteUri;
        boolean offerNew;
        boolean answered;
        boolean provisional;
        boolean done;
        boolean byeSent;
        boolean byeAnswered;
        String channelId;
        Connection conn;
        long inviteInterval = 500;
        String lastInvite;

        Call(int index) throws IOException {
            this.index = index;
            this.rtpPort = o.rtpBase() + index;
            this.rtp = DatagramChannel.open();
            rtp.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            rtp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), rtpPort));
        }

        boolean leader() {
            return index % o.channelsPerConnection() == 0;
        }

        Call groupLeader() {
            return calls[index - index % o.channelsPerConnection()];
        }
    }

    private final class Connection {
        final SocketChannel ch;
        final SelectionKey key;
        final Map<String, Call> channels = new HashMap<>();
        final List<Call> waiting = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocate(0);
        final ByteBuffer in = ByteBuffer.allocate(65536);
        boolean connected;
        long nextRequestId = 1;

        Connection(InetSocketAddress to) throws IOException {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connected = ch.connect(to);
            key = ch.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
        }
    }

    private record Timer(long atNanos, long seq, Runnable action) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer t) {
            return atNanos != t.atNanos ? Long.compare(atNanos, t.atNanos) : Long.compare(seq, t.seq);
        }
    }

    LoadClient(Options options) throws IOException {
        this.o = options;
        if (!options.sip().getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the load tool sends only to loopback; " + options.sip() + " is not");
        }
        this.selector = Selector.open();
        this.sip = DatagramChannel.open();
        sip.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        sip.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        sip.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sip.configureBlocking(false);
        sip.register(selector, SelectionKey.OP_READ);
        this.sipLocalPort = ((InetSocketAddress) sip.getLocalAddress()).getPort();
        this.requestUri = "sip:" + options.sip().getAddress().getHostAddress() + ":" + options.sip().getPort();
        this.calls = new Call[options.sessions()];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = new Call(i);
        }
    }

    /** Sets every call up, speaks, waits for the ends of speech and hangs up; bounded by the timeout. */
    Outcome run() throws IOException {
        try {
            double gapNanos = 1e9 / o.setupPerSecond();
            int leaders = 0;
            for (Call c : calls) {
                if (c.leader()) {
                    long at = startNanos + (long) (leaders++ * gapNanos);
                    at(at, () -> invite(c, true));
                }
            }
            long deadline = startNanos + o.timeoutMs() * 1_000_000L;
            long teardownDeadline = Long.MAX_VALUE;
            while (true) {
                long now = System.nanoTime();
                if (!tearingDown && (finished == calls.length || now > deadline)) {
                    outcome.timedOut = finished < calls.length;
                    teardown();
                    teardownDeadline = now + 10_000_000_000L;
                }
                if (tearingDown && (outcome.byeAnswered == byesSent() || now > teardownDeadline)) {
                    break;
                }
                while (!timers.isEmpty() && timers.peek().atNanos() <= now) {
                    timers.poll().action().run();
                }
                long wait = timers.isEmpty() ? 50 : Math.max(1, (timers.peek().atNanos() - now) / 1_000_000L);
                selector.select(Math.min(wait, 50));
                for (SelectionKey k : selector.selectedKeys()) {
                    if (k.channel() == sip) {
                        readSip();
                    } else if (k.isValid()) {
                        onConnection(k);
                    }
                }
                selector.selectedKeys().clear();
            }
            return outcome;
        } finally {
            close();
        }
    }

    private int byesSent() {
        int n = 0;
        for (Call c : calls) {
            n += c.byeSent ? 1 : 0;
        }
        return n;
    }

    private void at(long nanos, Runnable r) {
        timers.add(new Timer(nanos, seqTimer++, r));
    }

    private void after(long millis, Runnable r) {
        at(System.nanoTime() + millis * 1_000_000L, r);
    }

    private void invite(Call c, boolean newConnection) {
        c.callId = "lb-" + Long.toHexString(startNanos) + "-" + (callSerial++);
        c.tag = Long.toHexString(startNanos ^ (long) c.index << 20) + c.index;
        c.branch = c.callId;
        c.offerNew = newConnection;
        c.inviteInterval = 500;
        c.provisional = false;
        byCallId.put(c.callId, c);
        c.lastInvite = SipText.invite(requestUri, sipLocalPort, c.branch, c.tag, c.callId,
                SipText.offer(c.rtpPort, o.codec(), newConnection, o.ptimeMs()));
        sendSip(c.lastInvite);
        retransmitInvite(c, c.callId);
    }

    /** RFC 3261 timer A: resend until a response arrives, doubling; gives up after 15.5 s (timer B is 32 s). */
    private void retransmitInvite(Call c, String callId) {
        after(c.inviteInterval, () -> {
            if (tearingDown || c.answered || c.provisional || c.done || !callId.equals(c.callId)) {
                return;
            }
            if (c.inviteInterval >= 8_000) {
                outcome.problem("no answer to INVITE " + callId);
                c.answered = true;
                settle(c);
                finish(c);
                releaseFollowers(c);
                return;
            }
            sendSip(c.lastInvite);
            c.inviteInterval *= 2;
            retransmitInvite(c, callId);
        });
    }

    private void sendSip(String text) {
        try {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            if (sip.send(b, o.sip()) == 0) {
                after(2, () -> sendSip(text)); // send buffer full: try again shortly
            }
        } catch (IOException e) {
            outcome.problem("SIP send: " + e.getMessage());
        }
    }

    private void readSip() throws IOException {
        while (true) {
            sipIn.clear();
            if (sip.receive(sipIn) == null) {
                return;
            }
            sipIn.flip();
            String msg = StandardCharsets.UTF_8.decode(sipIn).toString();
            int status = SipText.status(msg);
            Call c = byCallId.get(SipText.header(msg, "Call-ID", "i"));
            if (status < 0) {
                sendSip(SipText.okTo(msg)); // a BYE or OPTIONS from the server: agree
                if (c != null && msg.startsWith("BYE ") && !c.done) {
                    finish(c);
                    outcome.problem("server hung up call " + c.callId);
                }
                continue;
            }
            if (c == null) {
                continue;
            }
            String method = SipText.cseqMethod(msg);
            if (method.equals("INVITE")) {
                onInviteResponse(c, status, msg);
            } else if (method.equals("BYE") && status >= 200 && c.byeSent && !c.byeAnswered) {
                c.byeAnswered = true;
                outcome.byeAnswered++;
            }
        }
    }

    private void onInviteResponse(Call c, int status, String msg) throws IOException {
        if (status < 200) {
            c.provisional = true;
            return;
        }
        c.to = SipText.header(msg, "To", "t");
        String contact = SipText.contactUri(msg);
        c.remoteUri = contact == null ? requestUri : contact;
        if (status >= 300) {
            sendSip(SipText.inDialog("ACK", requestUri, sipLocalPort, c.branch, c.tag, c.to, c.callId, 1));
            if (c.answered || c.done) {
                return;
            }
            String retryAfter = SipText.header(msg, "Retry-After", null);
            if (status == 503 && o.retry503() && !tearingDown) {
                long wait = retryAfter == null ? 1000 : Math.max(100, parseSeconds(retryAfter) * 1000);
                after(Math.min(wait, 5000), () -> invite(c, c.offerNew));
                outcome.inviteFinals.merge(status, 1, Integer::sum);
                c.callId = "retry";
                return;
            }
            outcome.inviteFinals.merge(status, 1, Integer::sum);
            c.answered = true;
            settle(c);
            finish(c);
            releaseFollowers(c);
            return;
        }
        sendSip(SipText.inDialog("ACK", c.remoteUri, sipLocalPort, c.branch + "a", c.tag, c.to, c.callId, 1));
        if (c.answered) {
            return; // a retransmitted 200: ACKed again, nothing more
        }
        c.answered = true;
        outcome.inviteFinals.merge(status, 1, Integer::sum);
        outcome.established++;
        SipText.Answer a = SipText.answer(SipText.body(msg));
        c.channelId = a.channelId();
        outcome.mrcpPort = a.mrcpPort();
        if (a.channelId() == null || a.mrcpPort() <= 0) {
            outcome.problem("200 OK without an MRCP channel for " + c.callId);
            settle(c);
            finish(c);
            releaseFollowers(c);
            return;
        }
        Connection shared = c.leader() ? null : c.groupLeader().conn;
        if (a.newConnection() || shared == null) {
            c.conn = new Connection(new InetSocketAddress(a.address(), a.mrcpPort()));
        } else {
            c.conn = shared;
        }
        c.conn.channels.put(c.channelId, c);
        if (c.conn.connected) {
            ready(c);
        } else {
            c.conn.waiting.add(c);
        }
    }

    private static long parseSeconds(String retryAfter) {
        try {
            return Long.parseLong(retryAfter.split("[;\\s(]")[0].trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** A call whose MRCP connection is up: its group's other calls may now offer to share it. */
    private void ready(Call c) {
        settle(c);
        if (c.leader()) {
            releaseFollowers(c);
        }
        if (o.start() == Start.RAMP) {
            speak(c);
        }
    }

    private void releaseFollowers(Call leader) {
        for (int i = leader.index + 1; i < Math.min(calls.length, leader.index + o.channelsPerConnection()); i++) {
            Call f = calls[i];
            invite(f, leader.conn == null);
        }
    }

    private void settle(Call c) {
        settled++;
        if (settled == calls.length && o.start() != Start.RAMP && !speaking) {
            speaking = true;
            long t0 = System.nanoTime();
            int live = 0;
            for (Call x : calls) {
                if (!x.done && x.conn != null) {
                    if (o.start() == Start.ALL) {
                        speak(x);
                    } else {
                        long at = t0 + (long) (live++ * o.spreadMs() * 1e6 / calls.length);
                        at(at, () -> speak(x));
                    }
                }
            }
        }
    }

    private void speak(Call c) {
        if (c.done || tearingDown) {
            return;
        }
        String text = o.texts().of(c.index);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        String rest = " SPEAK " + c.conn.nextRequestId++ + "\r\n"
                + "Channel-Identifier: " + c.channelId + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        int fixed = "MRCP/2.0 ".length() + rest.getBytes(StandardCharsets.UTF_8).length + body.length;
        int length = fixed + 1;
        while (length != fixed + String.valueOf(length).length()) {
            length = fixed + String.valueOf(length).length(); // the length counts its own digits
        }
        write(c.conn, ("MRCP/2.0 " + length + rest + text).getBytes(StandardCharsets.UTF_8));
        outcome.spoke++;
    }

    private void write(Connection conn, byte[] bytes) {
        ByteBuffer joined = ByteBuffer.allocate(conn.out.remaining() + bytes.length);
        joined.put(conn.out).put(bytes).flip();
        conn.out = joined;
        flush(conn);
    }

    private void flush(Connection conn) {
        try {
            conn.ch.write(conn.out);
            int ops = SelectionKey.OP_READ | (conn.out.hasRemaining() ? SelectionKey.OP_WRITE : 0);
            conn.key.interestOps(ops);
        } catch (IOException e) {
            outcome.problem("MRCP write: " + e.getMessage());
            failConnection(conn);
        }
    }

    private void onConnection(SelectionKey k) {
        Connection conn = (Connection) k.attachment();
        try {
            if (k.isConnectable()) {
                conn.ch.finishConnect();
                conn.connected = true;
                k.interestOps(SelectionKey.OP_READ);
                for (Call c : conn.waiting) {
                    ready(c);
                }
                conn.waiting.clear();
                return;
            }
            if (k.isWritable()) {
                flush(conn);
            }
            if (k.isReadable()) {
                int n = conn.ch.read(conn.in);
                if (n < 0) {
                    failConnection(conn);
                    return;
                }
                MrcpFraming.drain(conn.in, (start, channel, end) -> onMrcp(conn, start, channel));
            }
        } catch (IOException e) {
            outcome.problem("MRCP connection: " + e.getMessage());
            failConnection(conn);
        }
    }

    private void onMrcp(Connection conn, String[] start, String channelId) {
        Call c = channelId == null ? null : conn.channels.get(channelId);
        if (c == null || c.done) {
            return;
        }
        boolean response = start.length >= 5 && Character.isDigit(start[2].charAt(0));
        if (response) {
            int status = Integer.parseInt(start[3]);
            if (status >= 300) {
                outcome.speakFailed++;
                finish(c);
            }
        } else if (start.length >= 3 && start[2].equals("SPEAK-COMPLETE")) {
            outcome.completed++;
            finish(c);
        }
    }

    private void failConnection(Connection conn) {
        try {
            conn.key.cancel();
            conn.ch.close();
        } catch (IOException ignored) {
            // closing a socket that already failed
        }
        for (Call c : conn.channels.values()) {
            if (!c.done) {
                outcome.problem("MRCP connection lost for " + c.callId);
                finish(c);
            }
        }
        for (Call c : conn.waiting) {
            settle(c);
        }
        conn.waiting.clear();
    }

    private void finish(Call c) {
        if (!c.done) {
            c.done = true;
            finished++;
        }
    }

    private void teardown() {
        tearingDown = true;
        int i = 0;
        for (Call c : calls) {
            if (c.answered && c.to != null && c.channelId != null && !c.byeSent) {
                c.byeSent = true;
                String bye = SipText.inDialog("BYE", c.remoteUri, sipLocalPort, c.branch + "b", c.tag, c.to,
                        c.callId, 2);
                // at most 1,000 BYEs a second, resent once if unanswered
                after(i++ / 1000 * 1000L, () -> sendSip(bye));
                after(i / 1000 * 1000L + 1000, () -> {
                    if (!c.byeAnswered) {
                        sendSip(bye);
                    }
                });
            }
        }
    }

    private void close() {
        for (SelectionKey k : selector.keys()) {
            try {
                k.channel().close();
            } catch (IOException ignored) {
                // best effort at the end of the run
            }
        }
        for (Call c : calls) {
            try {
                c.rtp.close();
            } catch (IOException ignored) {
                // best effort at the end of the run
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // best effort at the end of the run
        }
    }
}
