package io.voxcpm.voice;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-process main for the crash and multi-process tests: registers versions of one voice and
 * prints {@code committed N} after each {@link VoiceRegistry#add} returns.
 *
 * <p>Arguments: registry dir, WAV file, voice name, number of adds (0 = until killed). Version N is a
 * design voice described "take N" when N is odd and a clone styled "take N" when even, so a reader can
 * tell a version whose parts come from different writes.
 */
public final class RegistryWriter {

    private RegistryWriter() {
    }

    public static void main(String[] args) throws Exception {
        VoiceRegistry registry = VoiceRegistry.open(Path.of(args[0]));
        Recording recording = Recording.fromWav(Files.readAllBytes(Path.of(args[1])), "ref.wav");
        String name = args[2];
        long count = Long.parseLong(args[3]);
        warmUp(recording);
        System.out.println("ready");
        System.out.flush();
        for (long i = 0; count == 0 || i < count; i++) {
            int next = registry.find(name).map(Voice::version).orElse(0) + 1;
            Voice v = registry.add(name, take(next, recording));
            System.out.println("committed " + v.version());
            System.out.flush();
        }
    }

    /** Loads and compiles the write path first, so kills land in writes rather than in class loading. */
    private static void warmUp(Recording recording) throws Exception {
        Path scratch = Files.createTempDirectory("voice-warmup");
        try {
            VoiceRegistry r = VoiceRegistry.open(scratch);
            for (int n = 1; n <= 4; n++) {
                r.add("warmup", take(n, recording));
            }
            r.remove("warmup");
        } finally {
            DurableFiles.deleteTree(scratch);
        }
    }

    static NewVoice take(int n, Recording recording) {
        String text = "take " + n;
        return n % 2 == 1
                ? new NewVoice.Design(text, null, "writer")
                : new NewVoice.Clone(recording, null, text, "test consent", null, "writer");
    }

    /** What version {@code v} says it is ("take N"), to compare with its number. */
    static String takeOf(Voice v) {
        return v instanceof DesignVoice d ? d.description() : ((CloneVoice) v).style().orElse("?");
    }
}
