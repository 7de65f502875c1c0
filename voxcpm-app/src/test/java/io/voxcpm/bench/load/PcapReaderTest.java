package io.voxcpm.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PcapReaderTest {

    private static List<PcapReader.Packet> read(byte[] pcap) throws IOException {
        List<PcapReader.Packet> out = new ArrayList<>();
        PcapReader.read(new ByteArrayInputStream(pcap), out::add);
        return out;
    }

    @ParameterizedTest(name = "{0} nanos={1} link={2}")
    @CsvSource({"LITTLE_ENDIAN,true,1", "LITTLE_ENDIAN,false,1", "BIG_ENDIAN,true,1", "BIG_ENDIAN,false,113",
            "LITTLE_ENDIAN,true,101"})
    void readsUdpAndTcpWithTheKernelTimestampInEveryFormat(String order, boolean nanos, int link) throws IOException {
        ByteOrder o = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] pcap = new PcapFiles(o, nanos, link, 65535)
                .udp(1_700_000_000_123_456_789L, 40000, 8060, "INVITE sip:x SIP/2.0\r\n\r\n")
                .tcp(1_700_000_001_000_000_999L, 51000, 1544, 4_000_000_000L, "MRCP/2.0 ")
                .bytes();
        List<PcapReader.Packet> packets = read(pcap);
        assertThat(packets).hasSize(2);
        PcapReader.Packet udp = packets.get(0);
        assertThat(udp.timeNanos()).isEqualTo(nanos ? 1_700_000_000_123_456_789L : 1_700_000_000_123_456_000L);
        assertThat(udp.protocol()).isEqualTo(PcapReader.UDP);
        assertThat(udp.srcPort()).isEqualTo(40000);
        assertThat(udp.dstPort()).isEqualTo(8060);
        assertThat(new String(udp.payload())).startsWith("INVITE sip:x");
        assertThat(udp.truncated()).isFalse();
        PcapReader.Packet tcp = packets.get(1);
        assertThat(tcp.protocol()).isEqualTo(PcapReader.TCP);
        assertThat(tcp.tcpSeq()).isEqualTo(4_000_000_000L);
        assertThat(new String(tcp.payload())).isEqualTo("MRCP/2.0 ");
        assertThat(tcp.syn()).isFalse();
    }

    @Test
    void aSnapLengthOf54KeepsTheRtpHeaderAndSaysThePayloadWasCut() throws IOException {
        byte[] pcap = PcapFiles.loopback(Capture.RTP_SNAPLEN).udp(5, 5000, 40000, PcapFiles.rtp(65535, 0xfffffff0L, 160))
                .bytes();
        PcapReader.Packet p = read(pcap).get(0);
        assertThat(p.payload()).hasSize(12);
        assertThat(p.payloadWireLength()).isEqualTo(172);
        assertThat(p.truncated()).isTrue();
        assertThat(PcapReader.u16(p.payload(), 2)).isEqualTo(65535);
        assertThat(PcapReader.s32(p.payload(), 4) & 0xffffffffL).isEqualTo(0xfffffff0L);
    }

    @Test
    void aRecordCutShortByAStoppedCaptureEndsTheReadWithWhatCameBefore() throws IOException {
        byte[] whole = PcapFiles.loopback(65535).udp(1, 1, 2, "a").udp(2, 1, 2, "b").bytes();
        assertThat(read(Arrays.copyOf(whole, whole.length - 3))).hasSize(1);
        assertThat(read(Arrays.copyOf(whole, whole.length - 50))).hasSize(1);
    }

    @Test
    void otherFramesAreCountedAndSkipped() throws IOException {
        byte[] pcap = PcapFiles.loopback(65535).udp(1, 1, 2, "a").bytes();
        pcap[24 + 16 + 12] = (byte) 0x86; // ethertype 0x86dd: IPv6
        pcap[24 + 16 + 13] = (byte) 0xdd;
        PcapReader.Counts counts = PcapReader.read(new ByteArrayInputStream(pcap), p -> { });
        assertThat(counts.frames).isEqualTo(1);
        assertThat(counts.skipped).isEqualTo(1);
        assertThat(counts.delivered).isZero();
    }

    @Test
    void pcapngAndOtherFilesAreRefusedWithASpecificMessage() {
        byte[] ng = {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> read(ng)).isInstanceOf(IOException.class).hasMessageContaining("pcapng");
        assertThatThrownBy(() -> read(new byte[3])).isInstanceOf(IOException.class).hasMessageContaining("24-byte");
    }
}
