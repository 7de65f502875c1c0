package io.voxcpm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * Reads the shaded server jar that {@code package} built (failsafe runs this in {@code verify}): the RTP
 * clock uses epoll only when the native library for the host's architecture is inside the jar, and
 * without it the server silently paces on NIO. The images run on x86_64 and on Kunpeng (aarch64) hosts.
 */
class ServerJarIT {

    private static final Path JAR = Path.of("target", "voxcpm-mrcp.jar");
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;

    @Test
    void carriesTheEpollTransportForBothArchitectures() throws IOException {
        assertThat(JAR).as("the shaded server jar (run `package` first)").isRegularFile();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(elfMachine(jar, "META-INF/native/libnetty_transport_native_epoll_x86_64.so"))
                    .as("ELF machine of the x86_64 library").isEqualTo(EM_X86_64);
            assertThat(elfMachine(jar, "META-INF/native/libnetty_transport_native_epoll_aarch_64.so"))
                    .as("ELF machine of the aarch64 library").isEqualTo(EM_AARCH64);
            assertThat(jar.getEntry("io/netty/channel/epoll/Epoll.class")).as("epoll transport classes").isNotNull();
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.voxcpm.server.Main");
        }
    }

    /** e_machine of an ELF shared object: proves the file is built for that CPU, not merely named for it. */
    private static int elfMachine(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        assertThat(entry).as(name + " in " + JAR).isNotNull();
        try (InputStream in = jar.getInputStream(entry)) {
            byte[] header = in.readNBytes(20);
            assertThat(header).as(name + " is an ELF file").startsWith(0x7f, 'E', 'L', 'F');
            assertThat(header[5]).as(name + " is little-endian").isEqualTo((byte) 1);
            return (header[18] & 0xff) | (header[19] & 0xff) << 8;
        }
    }
}
