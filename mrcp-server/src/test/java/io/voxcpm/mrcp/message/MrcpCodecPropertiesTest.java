package io.voxcpm.mrcp.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class MrcpCodecPropertiesTest {

    @Property(tries = 500)
    void encodeThenDecodeInAnyChunksGivesTheSameMessages(@ForAll("messageLists") List<MrcpMessage> messages,
                                                           @ForAll long seed) {
        List<byte[]> wires = messages.stream().map(MrcpEncoder::encode).toList();
        for (byte[] wire : wires) {
            String first = new String(wire, 0, Math.min(wire.length, 30), StandardCharsets.US_ASCII);
            assertThat(Long.parseLong(first.split(" ")[1])).isEqualTo(wire.length);
        }
        byte[] stream = Wire.concat(wires.toArray(new byte[0][]));
        List<Object> decoded = Wire.decode(randomChunks(stream, new Random(seed)));
        assertThat(decoded).containsExactlyElementsOf(messages);
    }

    @Property(tries = 1000)
    void randomBytesNeverEscapeAsExceptions(@ForAll @Size(max = 600) byte[] noise, @ForAll long seed) {
        byte[] stream = Wire.concat("MRCP/2.0 ".getBytes(StandardCharsets.US_ASCII), noise);
        Random random = new Random(seed);
        Wire.decode(smallDecoder(), randomChunks(random.nextBoolean() ? stream : noise, random));
    }

    @Property(tries = 1000)
    void mutatedMessagesNeverEscapeAsExceptions(@ForAll("messageLists") List<MrcpMessage> messages,
                                               @ForAll long seed) {
        Random random = new Random(seed);
        byte[] stream = mutate(Wire.concat(messages.stream().map(MrcpEncoder::encode).toArray(byte[][]::new)), random);
        List<Object> out = Wire.decode(smallDecoder(), randomChunks(stream, random));
        // after an error that loses framing nothing more may come out
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) instanceof MrcpDecodeError e && !e.canContinue()) {
                assertThat(i).isEqualTo(out.size() - 1);
            }
        }
    }

    private static MrcpDecoder smallDecoder() {
        return new MrcpDecoder(512, 128, 8, 256);
    }

    @Provide
    Arbitrary<List<MrcpMessage>> messageLists() {
        return message().list().ofMinSize(1).ofMaxSize(4);
    }

    private static Arbitrary<MrcpMessage> message() {
        Arbitrary<Long> ids = Arbitraries.longs().between(0, MrcpMessage.MAX_REQUEST_ID);
        Arbitrary<String> names = Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ-").ofMinLength(1)
                .ofMaxLength(20).filter(MessageTokens::isName);
        Arbitrary<RequestState> states = Arbitraries.of(RequestState.class);
        Arbitrary<Body> bodies = Arbitraries.oneOf(Arbitraries.just(new byte[0]),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.strings().withCharRange('一', '龥').ofMaxLength(100)
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))).map(Body::of);
        Arbitrary<MrcpHeaders> headers = headers();
        Arbitrary<MrcpMessage> requests = Combinators.combine(names, ids, headers, bodies).as(MrcpRequest::new);
        Arbitrary<MrcpMessage> responses = Combinators.combine(ids, Arbitraries.integers().between(100, 999), states,
                headers, bodies).as(MrcpResponse::new);
        Arbitrary<MrcpMessage> events = Combinators.combine(names, ids, states, headers, bodies).as(MrcpEvent::new);
        return Arbitraries.oneOf(requests, responses, events);
    }

    private static Arbitrary<MrcpHeaders> headers() {
        Arbitrary<String> channel = Arbitraries.strings().withCharRange('0', 'z').ofMinLength(1).ofMaxLength(32)
                .filter(s -> s.indexOf(':') < 0).map(s -> s + "@speechsynth");
        Arbitrary<String> name = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(24)
                .filter(s -> s.indexOf(':') < 0 && !s.equalsIgnoreCase(MrcpHeaderNames.CONTENT_LENGTH));
        // values are read back stripped, so generated ones carry no surrounding blanks
        Arbitrary<String> value = Arbitraries.strings().withCharRange(' ', '~').withCharRange('À', 'ÿ')
                .withCharRange('一', '龥').ofMaxLength(60).map(String::strip);
        Arbitrary<List<MrcpHeader>> extra = Combinators.combine(name, value).as(MrcpHeader::new).list().ofMaxSize(6);
        return Combinators.combine(channel, extra).as((c, fields) -> {
            MrcpHeaders.Builder b = MrcpHeaders.builder().add(MrcpHeaderNames.CHANNEL_IDENTIFIER, c);
            fields.forEach(f -> b.add(f.name(), f.value()));
            return b.build();
        });
    }

    private static byte[][] randomChunks(byte[] stream, Random random) {
        int pieces = random.nextInt(Math.min(stream.length, 12) + 1);
        int[] cuts = random.ints(pieces, 0, stream.length + 1).sorted().toArray();
        return Wire.split(stream, cuts);
    }

    /** Flips, deletes, duplicates or inserts a few bytes, favouring the ones that structure a message. */
    private static byte[] mutate(byte[] stream, Random random) {
        List<Byte> bytes = new ArrayList<>(stream.length + 8);
        for (byte b : stream) {
            bytes.add(b);
        }
        byte[] interesting = {'\r', '\n', ':', ' ', '0', '9', 'M', (byte) 0xff, (byte) 0xe4};
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && !bytes.isEmpty(); i++) {
            int at = random.nextInt(bytes.size());
            byte b = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt();
            switch (random.nextInt(4)) {
                case 0 -> bytes.set(at, b);
                case 1 -> bytes.remove(at);
                case 2 -> bytes.add(at, bytes.get(at));
                default -> bytes.add(at, b);
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }
}
