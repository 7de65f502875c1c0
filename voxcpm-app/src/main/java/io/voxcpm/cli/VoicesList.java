package io.voxcpm.cli;

import io.voxcpm.voice.CloneVoice;
import io.voxcpm.voice.DesignVoice;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceStatus;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Lists every voice's current version; corrupt ones are listed with their problem (exit code stays 0). */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List registered voices.")
final class VoicesList implements Callable<Integer> {

    static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);
    private static final String[] HEADER = {"NAME", "KIND", "VERSION", "CREATED", "SIZE", "STATUS"};

    @ParentCommand
    VoicesCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<VoiceStatus> voices;
        try {
            voices = parent.openRegistry().list();
        } catch (IOException e) {
            spec.commandLine().getErr().println("error: cannot open the voice registry " + parent.voicesDir + ": " + e.getMessage());
            return VoicesCommand.FAILED;
        }
        if (voices.isEmpty()) {
            out.println("no voices in " + parent.voicesDir + " (add one with: voices add NAME --design \"...\")");
            out.flush();
            return VoicesCommand.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (VoiceStatus s : voices) {
            rows.add(row(s));
        }
        print(out, rows);
        out.flush();
        return VoicesCommand.OK;
    }

    private static String[] row(VoiceStatus s) {
        if (s instanceof VoiceStatus.Ok ok) {
            Voice v = ok.voice();
            return new String[] {v.name(), kindOf(v), "v" + v.version(), CREATED.format(v.createdAt()), sizeOf(v), "ok"};
        }
        VoiceStatus.Corrupt c = (VoiceStatus.Corrupt) s;
        return new String[] {c.name(), "?", "v" + c.version(), "?", "?", "CORRUPT: " + c.problem()};
    }

    /** An unanchored design voice is a new speaker on every model prompt; the list says so. */
    static String kindOf(Voice v) {
        if (v instanceof CloneVoice c) {
            return c.ultimate() ? "clone+transcript" : "clone";
        }
        return ((DesignVoice) v).anchored() ? "design (anchored)" : "design (unanchored)";
    }

    static String sizeOf(Voice v) {
        if (v instanceof CloneVoice c) {
            return String.format(Locale.ROOT, "%.1f s", c.reference().durationSeconds());
        }
        return ((DesignVoice) v).anchor().map(a -> String.format(Locale.ROOT, "%.1f s", a.clip().durationSeconds()))
                .orElse("-");
    }

    private static void print(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i < r.length - 1 ? String.format(Locale.ROOT, "%-" + widths[i] + "s  ", r[i]) : r[i]);
            }
            out.println(line);
        }
    }
}
