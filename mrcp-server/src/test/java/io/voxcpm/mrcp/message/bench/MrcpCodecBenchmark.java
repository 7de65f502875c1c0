package io.voxcpm.mrcp.message.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.voxcpm.mrcp.message.MrcpDecoder;
import io.voxcpm.mrcp.message.MrcpEncoder;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpMessage;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.RequestState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Cost of reading a FreeSWITCH-style SPEAK (288-byte UTF-8 body) and writing its IN-PROGRESS answer. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MrcpCodecBenchmark {

    private byte[] speakWire;
    private MrcpResponse response;
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() {
        MrcpRequest speak = MrcpRequest.withText("SPEAK", 1839510, MrcpHeaders.builder()
                .add("Channel-Identifier", "f658b120e61a11eb@speechsynth").add("Kill-On-Barge-In", "false")
                .add("Voice-Name", "aixia").add("Speech-Language", "zh-cn").add("Content-Type", "text/plain")
                .build(), "中国人当自强".repeat(16));
        speakWire = MrcpEncoder.encode(speak);
        response = MrcpResponse.to(speak, 200, RequestState.IN_PROGRESS);
        channel = new EmbeddedChannel(new MrcpDecoder());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public MrcpMessage decodeSpeak() {
        ByteBuf in = Unpooled.wrappedBuffer(speakWire);
        channel.writeInbound(in);
        return channel.readInbound();
    }

    @Benchmark
    public byte[] encodeResponse() {
        return MrcpEncoder.encode(response);
    }
}
