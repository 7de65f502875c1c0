package io.voxcpm.cli;

import io.voxcpm.voice.CloneVoice;
import io.voxcpm.voice.DesignVoice;
import io.voxcpm.voice.GenerationDefaults;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceStatus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Shows every version of a voice, newest first; the newest is what synthesis uses. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show a voice: all versions and their metadata.")
final class VoicesShow implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    VoicesCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        List<VoiceStatus> versions;
        try {
            versions = parent.openRegistry().versions(name);
        } catch (IOException e) {
            spec.commandLine().getErr().println("error: cannot open the voice registry " + parent.voicesDir + ": " + e.getMessage());
            return VoicesCommand.FAILED;
        }
        if (versions.isEmpty()) {
            spec.commandLine().getErr().println("error: no voice named '" + name + "' in " + parent.voicesDir + " (see: voices list)");
            return VoicesCommand.FAILED;
        }
        List<VoiceStatus> newestFirst = new ArrayList<>(versions);
        Collections.reverse(newestFirst);
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(newestFirst)));
        } else {
            out.println(name + " (current: v" + newestFirst.get(0).version() + ", " + versions.size() + " version"
                    + (versions.size() == 1 ? "" : "s") + ")");
            for (VoiceStatus s : newestFirst) {
                printText(out, s);
            }
        }
        out.flush();
        return VoicesCommand.OK;
    }

    private static void printText(PrintWriter out, VoiceStatus s) {
        if (s instanceof VoiceStatus.Corrupt c) {
            out.println("v" + c.version() + "  CORRUPT: " + c.problem());
            return;
        }
        Voice v = ((VoiceStatus.Ok) s).voice();
        out.println("v" + v.version() + "  " + VoicesList.kindOf(v) + "  " + VoicesList.CREATED.format(v.createdAt())
                + "  by " + v.registeredBy());
        if (v instanceof DesignVoice d) {
            out.println("    description: " + d.description());
            d.anchor().ifPresentOrElse(a -> {
                out.println(String.format(Locale.ROOT, "    anchor:      %.2f s, 16 kHz mono, sha256 %s%s",
                        a.clip().durationSeconds(), a.clip().sha256(), a.seed().map(n -> ", seed " + n).orElse("")));
                out.println("    anchor text: " + a.transcript());
            }, () -> out.println("    anchor:      none (unanchored: the model designs a new speaker for each prompt;"
                    + " add one with voices add NAME --design ... --engine worker)"));
        } else if (v instanceof CloneVoice c) {
            out.println(String.format(Locale.ROOT, "    recording:   %.2f s, 16 kHz mono, sha256 %s", c.reference().durationSeconds(), c.reference().sha256()));
            out.println("    source:      " + c.reference().origin());
            c.transcript().ifPresent(t -> out.println("    transcript:  " + t));
            c.style().ifPresent(t -> out.println("    style:       " + t));
            out.println("    consent:     " + c.consent());
        }
        if (!v.defaults().toParameters().isEmpty() || v.defaults().language() != null) {
            StringBuilder d = new StringBuilder();
            v.defaults().toParameters().forEach((k, val) -> d.append(k).append('=').append(val).append(' '));
            v.defaults().languageIfSet().ifPresent(l -> d.append("language=").append(l));
            out.println("    defaults:    " + d.toString().strip());
        }
        out.println("    identity:    " + v.identity());
    }

    private static ObjectNode toJson(List<VoiceStatus> newestFirst) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", newestFirst.get(0).name());
        root.put("current", newestFirst.get(0).version());
        ArrayNode list = root.putArray("versions");
        for (VoiceStatus s : newestFirst) {
            ObjectNode n = list.addObject();
            n.put("version", s.version());
            if (s instanceof VoiceStatus.Corrupt c) {
                n.put("status", "corrupt");
                n.put("problem", c.problem());
                continue;
            }
            Voice v = ((VoiceStatus.Ok) s).voice();
            n.put("status", "ok");
            n.put("kind", v.kind().label());
            n.put("createdAt", v.createdAt().toString());
            n.put("registeredBy", v.registeredBy());
            n.put("identity", v.identity());
            n.put("checksum", v.checksum());
            if (v instanceof DesignVoice d) {
                n.put("description", d.description());
                n.put("anchored", d.anchored());
                d.anchor().ifPresent(a -> {
                    ObjectNode anchor = n.putObject("anchor");
                    anchor.put("durationSeconds", a.clip().durationSeconds());
                    anchor.put("sampleRate", 16000);
                    anchor.put("sha256", a.clip().sha256());
                    anchor.put("transcript", a.transcript());
                    a.seed().ifPresent(seed -> anchor.put("seed", seed));
                });
            } else if (v instanceof CloneVoice c) {
                n.put("ultimate", c.ultimate());
                c.transcript().ifPresent(t -> n.put("transcript", t));
                c.style().ifPresent(t -> n.put("style", t));
                n.put("consent", c.consent());
                ObjectNode ref = n.putObject("reference");
                ref.put("durationSeconds", c.reference().durationSeconds());
                ref.put("sampleRate", 16000);
                ref.put("sha256", c.reference().sha256());
                ref.put("origin", c.reference().origin());
            }
            GenerationDefaults g = v.defaults();
            ObjectNode defaults = n.putObject("defaults");
            g.toParameters().forEach(defaults::put);
            g.languageIfSet().ifPresent(l -> defaults.put("language", l));
        }
        return root;
    }
}
